// For the workspace's own packages, the CLI, benchmarks and tests; not a public API, may change without notice.
export { checkOutputPath, type OutputPathOptions } from './config/check-output-path.js';
export { parseOptions, pathUnder } from './config/parse-options.js';
export { readJsonFile } from './config/read-json-file.js';
export {
  type DatasetRow,
  describeProblems,
  type RecordProjection,
  type RowProblem,
  textRows,
} from './datasets/text-rows.js';
export { callSizes, spreadBudget } from './engine/budget.js';
export { checkCriterion, isVagueValue } from './engine/check-criterion.js';
export { createEngineState, type EngineState } from './engine/engine-state.js';
export { stageContextFactory } from './engine/model-calls.js';
export { type Priority, Scheduler } from './engine/scheduler.js';
export { UsageTracker } from './engine/usage-tracker.js';
export { throwIfAborted } from './errors/index.js';
export { extractJson } from './json/extract-json.js';
export { type GenerateObjectOptions, generateObject, toJsonSchema } from './model/generate-object.js';
export { answerPrompt, judgePrompt, type NamedLine } from './prompts/curation-prompts.js';
export {
  coveragePrompt,
  criterionPrompt,
  leafPrompt,
  pivotPrompt,
  type RoutePromptInput,
  routePrompt,
} from './prompts/stage-prompts.js';
export { budgetChangeProblem, fingerprintParts } from './run/resume-check.js';
export { builtinStages } from './stages/builtin-stages.js';
export { coverageSchema, criterionSchema, routeSchema, samplesSchema } from './stages/stage-schemas.js';
export { isOwnTemporaryFile, removeOwnTemporaryFiles, writeFileAtomic } from './store/atomic-write.js';
export { JsonlAppender, readJsonl, repairTornTail } from './store/jsonl.js';
export { parseVersioned } from './store/parse-versioned.js';
export { RUN_LOCK_FILE, RunLock } from './store/run-lock.js';
export { RUN_FILES } from './store/run-store.js';
export { compareSampleIds } from './store/sample-order.js';
export { genericTask } from './tasks/builtin/generic.js';
export { MATH_SUBJECTS } from './tasks/builtin/math.js';
export { cleanFields } from './tasks/clean-fields.js';
export { primaryField } from './tasks/task-definition.js';
export { fixedSplit } from './tree/fixed-split.js';
export { normalizeName, ROOT_ID } from './tree/node-id.js';
export { drawPath } from './tree/partition-tree.js';
export { gini, normalizedEntropy } from './util/count-statistics.js';
export { estimateTokens } from './util/estimate-tokens.js';
export { hash32, sha256, stableStringify } from './util/hash.js';
export { createRandom, pick, seededSample } from './util/random.js';
export { isSecretParameter, redactUrl, scrubSecrets } from './util/redact.js';
export { type CommandLineOmissions, shellCommandLine, shellQuote } from './util/shell-command-line.js';
export { sleep } from './util/sleep.js';
export { wordTokens } from './util/word-tokens.js';
