// Configuration: engine settings and call limits.
export { type CallLimits, callLimitsSchema } from './config/call-limits.js';
export {
  type EngineConfig,
  type EngineConfigFile,
  type EngineConfigInput,
  engineConfigSchema,
  parseEngineConfig,
  parseEngineConfigFile,
  synthesisConfigSchema,
  treeConfigSchema,
} from './config/engine-config.js';
export {
  type ExperimentConfig,
  experimentConfigSchema,
  METHOD_NAMES,
  type MethodConfig,
  type MethodConfigInput,
  type MethodName,
  methodConfigSchema,
  methodOf,
} from './config/method-config.js';
export type { OptionNamer } from './config/option-name.js';
// Dataset readers: a JSONL/JSON/CSV file or a run folder (docs/eval.md).
export { type DatasetFile, readDatasetFile } from './datasets/read-dataset-file.js';
export { type RunFolderDataset, readRunFolder } from './datasets/read-run-folder.js';
// Running: the engine entry points and the usage file.
export {
  type RunProgress,
  type RunSummary,
  runTreeSynth,
  type TreeSynthOptions,
  treeSynthGenerator,
} from './engine/tree-synth-engine.js';
export {
  type UsageCounts,
  type UsageFile,
  type UsageReport,
  usageCountsSchema,
  usageFileSchema,
  usageReportSchema,
} from './engine/usage-tracker.js';
// Errors.
export {
  AbortedError,
  ApiCallError,
  ConfigError,
  DeferredCallError,
  PromptFormatError,
  RunLockedError,
  RunStoreError,
  RunWriteError,
  StructuredOutputError,
  TreeSynthError,
} from './errors/index.js';
// Middleware for models and embedders.
export { wrapChatModel } from './model/wrap-chat-model.js';
export { wrapEmbedder } from './model/wrap-embedder.js';
export {
  BASELINE_SCHEMA_NAMES,
  type BaselineRequest,
  EVOLUTION_OPERATIONS,
  type EvolutionOperation,
  evolveAnswerSchema,
  evolvePrompt,
  personaAnswerSchema,
  personaPrompt,
  readBaselineRequest,
} from './prompts/baseline-prompts.js';
// The prompt format a model server reads (docs/simulator.md).
export {
  readSchemaHint,
  readStageRequest,
  type StageName,
  type StageRequest,
  schemaHint,
  stageRequestSchema,
  staticPrefixLength,
} from './prompts/prompt-format.js';
export { STAGE_SCHEMA_NAMES } from './prompts/prompt-layout.js';
// Reporting a run to people: its summary and its progress as text.
export { formatRunSummary, type RunCostSummary, type RunSummaryExtras } from './run/format-run-summary.js';
// Opening and resuming a run folder.
export {
  type ModelConnector,
  type OpenedRun,
  type OpenRunOptions,
  openRun,
  openRunOptionsSchema,
  type StoredModel,
} from './run/open-run.js';
export {
  createProgressReporter,
  formatProgress,
  type ProgressReporter,
  type ProgressReporterOptions,
} from './run/progress-reporter.js';
// The generators a run may pick by its config's `method` (openRun's `generators`).
export type { RunGenerators } from './run/run-method.js';
export { STAGE_NAMES, type StageModules, stageModulesSchema } from './run/stage-modules.js';
// Spec: the interfaces every implementation depends on.
export type {
  ChatCallOptions,
  ChatMessage,
  ChatModel,
  ChatModelMiddleware,
  ChatResult,
  ChatUsage,
  JsonSchemaResponseFormat,
} from './spec/chat-model.js';
export type { CompletionCallOptions, CompletionModel } from './spec/completion-model.js';
export type { Embedder, EmbedderMiddleware, EmbedOptions, EmbedResult } from './spec/embedder.js';
export type { GenerationSummary, Generator, GeneratorContext, SampleSink } from './spec/generator.js';
export { type Logger, silentLogger } from './spec/logger.js';
export type { NodeStep, PathStep, SampleFields, SampleMethod, SampleRecord } from './spec/sample.js';
export type {
  CoverageInput,
  CoverageOutput,
  CriterionInput,
  CriterionOutput,
  LeafInput,
  LeafOutput,
  PivotInput,
  PivotOutput,
  Stage,
  StageContext,
  Stages,
  StructuredRequest,
  StructuredResponse,
} from './spec/stage.js';

// The run folder's files.
export { type RunEvent, runEventSchema } from './store/run-events.js';
export {
  RUN_SCHEMA_VERSION,
  type RunManifest,
  type RunStatus,
  readRunManifest,
  runManifestSchema,
  runStatusSchema,
} from './store/run-manifest.js';
export { RunStore, readTreeFile } from './store/run-store.js';

// Tasks.
export { BUILTIN_TASKS, type BuiltinTaskName, loadTask, parseTask } from './tasks/load-task.js';
export {
  type TaskDefinition,
  type TaskDefinitionInput,
  taskDefinitionSchema,
} from './tasks/task-definition.js';

// The partition tree.
export {
  infiniteDepth,
  type LeafReason,
  type NodeSplit,
  PartitionTree,
  type SerializedTree,
  serializedTreeSchema,
  TREE_SCHEMA_VERSION,
  type TreeNode,
} from './tree/partition-tree.js';
