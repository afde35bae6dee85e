// For the workspace's own packages, the CLI, benchmarks and tests; not a public API, may change without notice.
export { parseBaseUrl } from './openai/base-url.js';
