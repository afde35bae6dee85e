// Comparing datasets and building reports.

export {
  type BenchComparison,
  type CompareBenchOptions,
  compareBench,
  compareBenchOptionsSchema,
} from './bench/bench-compare.js';
export {
  BENCH_FILES,
  type BenchManifest,
  type BenchmarkFigures,
  type BenchRecord,
  type BenchSummary,
  benchManifestSchema,
  benchRecordSchema,
  benchSummarySchema,
} from './bench/bench-files.js';
export {
  type BenchProgress,
  formatBenchProgress,
  type RunBenchOptions,
  runBenchOptionsSchema,
} from './bench/bench-options.js';
export { formatBenchTable } from './bench/bench-summary.js';
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
// Code benchmarks and the Python sandbox (docs/sandbox.md).
export {
  extractCodeBlock,
  HUMANEVAL_STOP_SEQUENCES,
  humanEvalSolution,
  MBPP_BEGIN_MARKER,
  MBPP_END_MARKER,
  mbppSolution,
  truncateAtStop,
} from './bench/code-completion.js';
// Benchmark scorers: GSM8K and MATH (answer extraction and equivalence).
export {
  extractGsm8kAnswers,
  type Gsm8kAnswers,
  type Gsm8kProblem,
  gsm8kBenchmark,
  gsm8kGoldAnswer,
  normalizeGsm8kNumber,
} from './bench/gsm8k.js';
export { type HumanEvalProblem, humanEvalBenchmark, humanEvalProgram } from './bench/humaneval.js';
export { MATH_SHOTS, type MathProblem, mathBenchmark } from './bench/math.js';
export { extractBoxedAnswer, extractMathAnswer } from './bench/math-answer/extract-answer.js';
export {
  type MathEquivalenceOptions,
  mathAnswersEquivalent,
  mathEquivalenceOptionsSchema,
} from './bench/math-answer/math-equivalence.js';
export { normalizeMathAnswer } from './bench/math-answer/normalize-answer.js';
export {
  MBPP_TEST_RANGE,
  type MbppExample,
  type MbppProblem,
  mbppBenchmark,
  mbppProgram,
} from './bench/mbpp.js';
export { passAtK } from './bench/pass-at-k.js';
export { CODE_BENCHMARKS, loadBenchmarkDefinition } from './bench/registry.js';
export { type BenchResult, runBench } from './bench/run-bench.js';
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
export { type CompareProgress, compareProgressWriter } from './compare/compare-progress.js';
export { formatComparison, formatMetricTable } from './compare/format-comparison.js';
export { type DatasetInput, datasetInputFromArgument, datasetInputSchema } from './compare/load-dataset.js';
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
export { defaultReportFile, writeReport } from './report/write-report.js';
export type {
  CodeSandbox,
  ExecutionLimits,
  ExecutionResult,
  SandboxRunOptions,
} from './sandbox/execution-result.js';
export type { SandboxIsolation } from './sandbox/isolation.js';
export {
  createPythonSandbox,
  PythonSandbox,
  type PythonSandboxOptions,
  pythonSandboxOptionsSchema,
} from './sandbox/python-sandbox.js';
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
