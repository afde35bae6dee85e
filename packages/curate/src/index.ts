// Curation's record of what it did to a run's rows (the file the export's card reads).
export {
  CURATED_FILE,
  CURATION_FILE,
  type CurationSummary,
  curationSummarySchema,
  readCurationSummary,
} from './curation-summary.js';
export { HubUploadError } from './errors/hub-upload-error.js';
// Export: a run or dataset file to fine-tuning formats, a dataset card and the Hugging Face Hub.
export type { CardSplit } from './export/dataset-card.js';
export { CARD_FILE, type ExportResult, exportDataset, LLAMA_FACTORY_FILE } from './export/export-dataset.js';
export {
  EXPORT_MANIFEST_FILE,
  type ExportManifest,
  exportManifestSchema,
  readExportManifest,
} from './export/export-folder.js';
export {
  EXPORT_FORMATS,
  type ExportFormat,
  type ExportOptions,
  exportOptionsSchema,
  type ParsedExportOptions,
} from './export/export-options.js';
export { PROVENANCE_FIELDS, RESPONSE_FIELD_GUESSES, TASK_FIELDS } from './export/export-rows.js';
export { formatExportResult } from './export/format-export.js';
export type { LlamaFactoryEntry } from './export/llama-factory.js';
export type { PushToHubResult } from './export/push-to-hub.js';
export { parseSplitSpec, type SplitRatio, splitOf } from './export/split-rows.js';
export { formatCuration, formatTarget } from './format-curation.js';
// Curation: answer, verify and judge a finished run's rows, resumably (docs/curate.md).
export {
  CURATION_LOG_FOLDER,
  type CuratedRows,
  type CurateRowsInput,
  curateRows,
  rowsCurator,
} from './pipeline/curate-rows.js';
export {
  type CurateResult,
  type CurateRunOptions,
  curateRun,
  curateRunOptionsSchema,
  REMOVED_FILE,
} from './pipeline/curate-run.js';
export {
  type AnswerSettings,
  answerSettingsSchema,
  type CurationConfig,
  type CurationConfigInput,
  curationConfigSchema,
  DEFAULT_JUDGE_CRITERIA,
  hasCurationSteps,
  type JudgeSettings,
  judgeSettingsSchema,
  mergeCurationConfig,
  type VerifySettings,
  verifySettingsSchema,
} from './pipeline/curation-config.js';
export type { CurationRow, CurationStep, StepContext, StepOutcome } from './pipeline/curation-step.js';
export {
  loadStepModules,
  resolveStepModules,
  type StepModuleSettings,
  stepModuleSettingsSchema,
} from './pipeline/step-modules.js';
export {
  type ReachTargetRowsOptions,
  reachTargetRows,
  reachTargetRowsOptionsSchema,
  TARGET_FILE,
  type TargetResult,
} from './pipeline/target-size.js';
export { TARGET_SIZE_REASON } from './pipeline/trim-target.js';
export {
  type DecontaminateSettings,
  type DedupSettings,
  decontaminateSettingsSchema,
  dedupSettingsSchema,
  type EmbedderFor,
  embeddingDedupSettingsSchema,
} from './steps/filter-steps.js';
export { type AnswerCheck, type TaskAnswer, taskAnswer } from './steps/task-answers.js';
