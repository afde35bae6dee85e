import type { Logger, RunProgress } from '@treesynth/core';
import { z } from 'zod';

/** Where an export writes the requests, inside the run folder, unless `file` says otherwise. */
export const BATCH_REQUESTS_FILE = 'batch-requests.jsonl';

/**
 * The options of `exportBatch`: the one source of its defaults and limits. Errors name the option
 * (`dir`, `file`), never a CLI flag.
 */
export const exportBatchOptionsSchema = z.object({
  /** The run folder; its tree must be complete (a tree-only run). */
  dir: z.string({ error: 'which run folder?' }).min(1, 'which run folder?'),
  /** Never one of the run's own files. */
  file: z
    .string()
    .min(1)
    .optional()
    .describe(`where export writes the requests (default: <run>/${BATCH_REQUESTS_FILE})`),
  signal: z.custom<AbortSignal>().optional(),
  logger: z.custom<Logger>().optional(),
  /** The batch pass's progress, in the engine's shape. */
  onProgress: z.custom<(progress: RunProgress) => void>().optional(),
});

/** The options of `ingestBatch`: `exportBatch`'s, and the results file to store in the run first. */
export const ingestBatchOptionsSchema = exportBatchOptionsSchema.extend({
  /** A batch output file (OpenAI Batch or vLLM's batch runner): one `{custom_id, response, error}` a line. */
  results: z.string({ error: 'which results file?' }).min(1, 'which results file?'),
});

export type ExportBatchOptions = z.input<typeof exportBatchOptionsSchema>;
export type IngestBatchOptions = z.input<typeof ingestBatchOptionsSchema>;
