// For the workspace's own packages, the CLI, benchmarks and tests; not a public API.
export { BaselineRun, runBaseline } from './baseline-run.js';
export { contentWords } from './elimination.js';
export { dataSize, readSeedTexts, type SeedText } from './plan-inputs.js';
