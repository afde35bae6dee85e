// Comparing datasets and building reports.
export {
  type BuildReportOptions,
  type BuiltReport,
  buildReport,
  buildReportOptionsSchema,
} from './compare/build-report.js';
export {
  type CompareDatasetsOptions,
  compareDatasets,
  compareDatasetsOptionsSchema,
  type DatasetComparison,
  type DatasetScores,
} from './compare/compare-datasets.js';
export type { CompareProgress } from './compare/compare-progress.js';
export { type DatasetInput, datasetInputSchema } from './compare/load-dataset.js';
export { type MetricId, type MetricRow, type MetricTable, metricTable } from './compare/metric-table.js';

// Diversity metrics.
export {
  type ClusterEntropyOptions,
  type ClusterEntropyResult,
  clusterEntropy,
  defaultClusterCount,
} from './metrics/cluster-entropy.js';
export { type DistinctN, type DistinctNOptions, distinctN } from './metrics/distinct-n.js';
export {
  type CountSummary,
  gini,
  normalizedEntropy,
  quantileSorted,
  summarizeCounts,
} from './metrics/distribution-stats.js';
export {
  type DiversityMetricName,
  type DiversityMetrics,
  type DiversityReport,
  type DiversityReportInput,
  type DiversityReportOptions,
  diversityReport,
} from './metrics/diversity-report.js';
export {
  type DuplicateRates,
  type DuplicateRatesOptions,
  duplicateRates,
  normalizeForDuplicates,
} from './metrics/duplicate-rates.js';
export {
  createEmbeddingMatrix,
  type EmbeddingMatrix,
  embeddingMatrixFromRows,
  normalizeRows,
  selectRows,
} from './metrics/embedding-matrix.js';
export { type KMeansOptions, type KMeansResult, kMeans } from './metrics/k-means.js';
export { type LeafCoverage, leafCoverage } from './metrics/leaf-coverage.js';
export {
  type LeafCosineEntry,
  type LeafPairwiseCosine,
  leafPairwiseCosine,
  meanPairwiseCosine,
} from './metrics/mean-pairwise-cosine.js';
export {
  type NearestNeighbourOptions,
  type NearestNeighbourResult,
  nearestNeighbourDistance,
} from './metrics/nearest-neighbour-distance.js';
export { type SelfBleuOptions, type SelfBleuResult, selfBleu } from './metrics/self-bleu.js';
export { symmetricEigenvalues } from './metrics/symmetric-eigen.js';
export { tokenizeWords } from './metrics/tokenize-words.js';
export { type VendiOptions, vendiFromEigenvalues, vendiScore } from './metrics/vendi-score.js';

// HTML reports.
export { escapeHtml, serializeJsonForHtml } from './report/escape-html.js';
export { renderReport } from './report/render-report.js';
export type {
  MetricDirection,
  ReportDataset,
  ReportInput,
  ReportMetricRow,
  ReportMetricTable,
  ReportPoints,
  ReportTree,
  ReportTreeNode,
} from './report/report-input.js';
export { writeReport } from './report/write-report.js';

// t-SNE.
export {
  EXACT_NEIGHBOURS_MAX_ROWS,
  type NeighbourMethod,
  type PrincipalComponentsOptions,
  type PrincipalComponentsResult,
  principalComponents,
  type TsneOptions,
  type TsneProgress,
  type TsneResult,
  type TsneTimings,
  tsne,
} from './tsne/index.js';
