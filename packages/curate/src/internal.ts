// For the workspace's own packages, the CLI, benchmarks and tests; not a public API, may change without notice.
export { datasetCard, sizeCategory } from './export/dataset-card.js';
export { type ExportRow, type ExportSource, readExportSource } from './export/export-rows.js';
export { formatRow } from './export/format-rows.js';
export { parquetBytes } from './export/write-parquet.js';
