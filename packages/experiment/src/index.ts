// Jobs on an endpoint that compose the packages: a run with its curation, a run folder's curation.

// The paper's experiments end to end (docs/reproduce.md).
export {
  type BenchOnEndpointOptions,
  benchOnEndpoint,
  benchOnEndpointOptionsSchema,
} from './bench-on-endpoint.js';
export {
  type CurateOnEndpointOptions,
  curateOnEndpoint,
  curateOnEndpointOptionsSchema,
  curationSettings,
  type RunAndCurateOptions,
  type RunAndCurateResult,
  runAndCurate,
} from './curate-on-endpoint.js';
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
export { type ExperimentResult, runExperiment } from './run-experiment.js';
