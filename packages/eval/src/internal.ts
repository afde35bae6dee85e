// For the workspace's own packages, the CLI, benchmarks and tests; not a public API, may change without notice.
export { symmetricEigenvalues } from './metrics/symmetric-eigen.js';
export { tokenizeWords } from './metrics/tokenize-words.js';
