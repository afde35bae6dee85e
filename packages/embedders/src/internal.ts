// For the workspace's own packages, the CLI, benchmarks and tests; not a public API, may change without notice.
export { writeEmbeddingTableModel } from './embedding-table-model.js';
export { maxDifference } from './max-difference.js';
