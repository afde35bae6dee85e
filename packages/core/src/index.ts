// Spec: the interfaces every implementation depends on.

// Configuration.
export { type CallLimits, callLimitsSchema } from './config/call-limits.js';
export { checkOutputPath, type OutputPathOptions } from './config/check-output-path.js';
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
export { formatZodError } from './config/format-zod-error.js';
export { type OptionNamer, optionName } from './config/option-name.js';
export { readJsonFile } from './config/read-json-file.js';
// Dataset readers.
export { type DatasetFile, readDatasetFile } from './datasets/read-dataset-file.js';
export { type RunFolderDataset, readRunFolder } from './datasets/read-run-folder.js';
export {
  type DatasetRow,
  describeProblems,
  type NumberedValue,
  type RowProblem,
  textRows,
} from './datasets/text-rows.js';
// The engine.
export { callSizes, spreadBudget } from './engine/budget.js';
export { checkCriterion, isVagueValue, mergeValues } from './engine/check-criterion.js';
export { type Priority, Scheduler } from './engine/scheduler.js';
export {
  type RunProgress,
  type RunSummary,
  runTreeSynth,
  type SamplesRepair,
  type StageTwoEstimate,
  TreeSynthEngine,
  type TreeSynthOptions,
  treeSynthGenerator,
} from './engine/tree-synth-engine.js';
export {
  type UsageCounts,
  type UsageFile,
  type UsageReport,
  UsageTracker,
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
  throwIfAborted,
} from './errors/index.js';
export { extractJson } from './json/extract-json.js';
// Models.
export { type GenerateObjectOptions, generateObject, toJsonSchema } from './model/generate-object.js';
export { wrapChatModel } from './model/wrap-chat-model.js';
export { wrapEmbedder } from './model/wrap-embedder.js';
export {
  type PromptMessages,
  readSchemaHint,
  readStageRequest,
  type StageName,
  type StageRequest,
  schemaHint,
  stageRequestSchema,
  staticPrefixLength,
} from './prompts/prompt-format.js';
export { STAGE_SCHEMA_NAMES } from './prompts/prompt-layout.js';
export {
  coveragePrompt,
  criterionPrompt,
  leafPrompt,
  pivotPrompt,
  type RoutePromptInput,
  routePrompt,
} from './prompts/stage-prompts.js';
// Opening, resuming and running a run folder.
export {
  type ModelConnector,
  type OpenedRun,
  type OpenRunOptions,
  openRun,
  openRunOptionsSchema,
  type StoredModel,
} from './run/open-run.js';
export {
  budgetChangeProblem,
  checkResume,
  fingerprintParts,
  firstDifference,
} from './run/resume-check.js';
export {
  loadStageModules,
  STAGE_NAMES,
  type StageModules,
  stageModulesFromConfig,
  stageModulesSchema,
} from './run/stage-modules.js';
export type {
  ChatCallOptions,
  ChatMessage,
  ChatModel,
  ChatModelMiddleware,
  ChatResult,
  ChatUsage,
  JsonSchemaResponseFormat,
} from './spec/chat-model.js';
export type { Embedder, EmbedderMiddleware, EmbedOptions, EmbedResult } from './spec/embedder.js';
export type { GenerationSummary, Generator, GeneratorContext, SampleSink } from './spec/generator.js';
export { type Logger, silentLogger } from './spec/logger.js';
export type { NodeStep, PathStep, SampleFields, SampleRecord } from './spec/sample.js';
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
export {
  builtinStages,
  coverageStage,
  criterionStage,
  leafStage,
  pivotStage,
} from './stages/builtin-stages.js';
export { coverageSchema, criterionSchema, routeSchema, samplesSchema } from './stages/stage-schemas.js';
// The run store.
export { isOwnTemporaryFile, writeFileAtomic } from './store/atomic-write.js';
export { JsonlAppender, readJsonl, repairTornTail } from './store/jsonl.js';
export { type RunEvent, runEventSchema } from './store/run-events.js';
export { type LockHolder, RUN_LOCK_FILE, RunLock } from './store/run-lock.js';
export {
  RUN_SCHEMA_VERSION,
  type RunManifest,
  type RunStatus,
  readRunManifest,
  runManifestSchema,
  runStatusSchema,
} from './store/run-manifest.js';
export { RUN_FILES, RunStore, readTreeFile, sampleToLine } from './store/run-store.js';
export { compareSampleIds } from './store/sample-order.js';
export { genericTask } from './tasks/builtin/generic.js';
export { MATH_SUBJECTS } from './tasks/builtin/math.js';
export { cleanFields } from './tasks/clean-fields.js';
export { BUILTIN_TASKS, type BuiltinTaskName, loadTask, parseTask } from './tasks/load-task.js';
// Tasks and prompts.
export {
  primaryField,
  RESERVED_FIELD_NAMES,
  type TaskDefinition,
  type TaskDefinitionInput,
  taskDefinitionSchema,
} from './tasks/task-definition.js';
// The tree.
export { nodeId, normalizeName, ROOT_ID } from './tree/node-id.js';
export {
  drawPath,
  infiniteDepth,
  type LeafReason,
  type NodeSplit,
  PartitionTree,
  type SerializedTree,
  serializedTreeSchema,
  TREE_SCHEMA_VERSION,
  type TreeNode,
} from './tree/partition-tree.js';

// Utilities.
export { gini, normalizedEntropy } from './util/count-statistics.js';
export { estimateTokens } from './util/estimate-tokens.js';
export { hash32, sha256, stableStringify } from './util/hash.js';
export { createRandom, pick, seededSample } from './util/random.js';
export {
  isSecretParameter,
  redactSecrets,
  redactUrl,
  redactUrlsInText,
  scrubSecrets,
} from './util/redact.js';
export { sleep } from './util/sleep.js';
export { wordTokens } from './util/word-tokens.js';
