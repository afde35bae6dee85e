export {
  CONTAMINATION_BENCHMARKS,
  type ContaminationBenchmark,
  type ContaminationSource,
  type ContaminationSourcesOptions,
  contaminationSourcesOptionsSchema,
  loadContaminationSources,
} from './contamination-sources.js';
export {
  countBySource,
  type DecontaminateOptions,
  decontaminate,
  decontaminateOptionsSchema,
} from './decontaminate.js';
export {
  type EmbeddingDuplicatesOptions,
  embeddingDuplicates,
  embeddingDuplicatesOptionsSchema,
} from './embedding-duplicates.js';
export { exactDuplicates } from './exact-duplicates.js';
export {
  type NearDuplicatesOptions,
  nearDuplicates,
  nearDuplicatesOptionsSchema,
} from './near-duplicates.js';
export { normalizedWords, normalizeText } from './normalize-text.js';
export type { ContaminationRemoval, DuplicateRemoval, FilterRow, Removal } from './removal.js';
