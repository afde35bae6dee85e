// Comparing datasets and building reports.

// Benchmarks: the shipped test sets, and the interface every benchmark implements.
export {
  BENCHMARK_NAMES,
  type BenchmarkDefinition,
  type BenchmarkName,
  type BenchProblem,
  type BenchPrompt,
  type LoadProblemsOptions,
  type ProblemScore,
  type PromptMode,
  type ScoreContext,
} from './bench/benchmark.js';
export {
  type BenchmarkSetName,
  type BenchmarkSetRow,
  benchmarkSetPath,
  type Gsm8kRow,
  type HumanEvalRow,
  loadBenchmarkSet,
  type MathRow,
  type MbppRow,
  type SanitizedMbppRow,
} from './bench/benchmark-sets.js';
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
export type { MetricId, MetricRow, MetricTable } from './compare/metric-table.js';
// Diversity metrics.
export {
  type ClusterEntropyOptions,
  type ClusterEntropyResult,
  clusterEntropy,
  clusterEntropyOfSample,
} from './metrics/cluster-entropy.js';
export { type DistinctN, type DistinctNOptions, distinctN } from './metrics/distinct-n.js';
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
} from './metrics/duplicate-rates.js';
export {
  createEmbeddingMatrix,
  type EmbeddingMatrix,
  embeddingMatrixFromRows,
  normalizeRows,
  selectRows,
} from './metrics/embedding-matrix.js';
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
export {
  defaultNearestQueries,
  type EmbedTexts,
  type StreamingReport,
  type StreamingReportInput,
  streamingDiversityReport,
} from './metrics/streaming-report.js';
export { type VendiOptions, vendiScore } from './metrics/vendi-score.js';
// HTML reports.
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
export type { CodeSandbox, ExecutionLimits, ExecutionResult } from './sandbox/execution-result.js';
// t-SNE.
export {
  EXACT_NEIGHBOURS_MAX_ROWS,
  type PrincipalComponentsOptions,
  type PrincipalComponentsResult,
  principalComponents,
  type TsneOptions,
  type TsneProgress,
  type TsneResult,
  type TsneTimings,
  tsne,
} from './tsne/index.js';
