import { parseOptions } from '@treesynth/core/internal';
import type { BatchIngestReport } from './batch-jobs.js';
import { type IngestBatchOptions, ingestBatchOptionsSchema } from './batch-options.js';
import { batchPass, type ExportBatchResult } from './batch-pass.js';

export interface IngestBatchResult extends ExportBatchResult {
  /** What the results file gave: answers stored, failed in the batch, another run's, repeated. */
  ingested: BatchIngestReport;
}

/**
 * Feed a batch job's results back into its run. The whole file is checked first (a line that is not
 * a result, or two different answers under one custom_id, is a ConfigError naming the file and line,
 * and nothing is stored); results of requests this run never exported are refused (a warning on the
 * logger, or a ConfigError when none is this run's). Each new answer goes to the run's response cache
 * and its tokens to the `batch` stage of usage.json; then every leaf that can be finished with no
 * live call is, and the calls still missing (failed in the batch) are written to `file` again.
 */
export async function ingestBatch(options: IngestBatchOptions): Promise<IngestBatchResult> {
  const result = await batchPass(parseOptions(ingestBatchOptionsSchema, options));
  return { ...result, ingested: result.ingested! };
}
