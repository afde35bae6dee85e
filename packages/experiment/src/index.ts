// Jobs that compose the packages on an endpoint, each what one CLI command does (src/jobs/: a run with
// its curation, a run folder's curation, a model's benchmark scores, a dataset's balance, the offline
// demo), and the paper's experiments end to end (docs/reproduce.md), which never use the simulator or
// balance (biome.json).

export { DEFAULT_EXPERIMENT_CURATION } from './experiment-config.js';
export {
  type ExperimentProgress,
  type RunExperimentOptions,
  runExperimentOptionsSchema,
} from './experiment-options.js';
export { DIVERSITY_FILE, REPORT_FILE } from './experiment-report.js';
export {
  EXPERIMENT_FILE,
  type ExperimentState,
  experimentStateSchema,
  type MethodState,
  readExperimentState,
} from './experiment-state.js';
export { experimentResultJson, formatExperiment, formatExperimentProgress } from './format-experiment.js';
export {
  type BalanceOnEndpointOptions,
  balanceOnEndpoint,
  balanceOnEndpointOptionsSchema,
} from './jobs/balance-on-endpoint.js';
export {
  type BenchOnEndpointOptions,
  benchOnEndpoint,
  benchOnEndpointOptionsSchema,
} from './jobs/bench-on-endpoint.js';
export {
  type CompareFilesOptions,
  compareFiles,
  compareFilesOptionsSchema,
  type ReportFilesOptions,
  reportFiles,
  reportFilesOptionsSchema,
} from './jobs/compare-files.js';
export {
  type CurateOnEndpointOptions,
  curateOnEndpoint,
  curateOnEndpointOptionsSchema,
  curationSettings,
  type RunAndCurateOptions,
  type RunAndCurateResult,
  runAndCurate,
} from './jobs/curate-on-endpoint.js';
export { formatRunAndCurate, runAndCurateJson } from './jobs/format-run.js';
export { type RunDemoOptions, type RunDemoResult, runDemo, runDemoOptionsSchema } from './jobs/run-demo.js';
export { type ExperimentResult, runExperiment } from './run-experiment.js';
