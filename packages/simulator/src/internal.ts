// For the workspace's own packages, the CLI, benchmarks and tests; not a public API, may change without notice.
export { ROUTE_INVALID_MARKER, ROUTE_INVALID_ONCE_MARKER } from './route-answer.js';
