// For the workspace's own packages, the CLI, benchmarks and tests; not a public API.
export { loadExperimentConfig } from './experiment-config.js';
export { benchTable, finalRows } from './experiment-report.js';
export { looksSimulated } from './method-steps.js';
