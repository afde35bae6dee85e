import { parseOptions } from '@treesynth/core/internal';
import { type ExportBatchOptions, exportBatchOptionsSchema } from './batch-options.js';
import { batchPass, type ExportBatchResult } from './batch-pass.js';

/**
 * Hand a run's leaf calls to a batch job: the run's tree must be complete. Every pending leaf call is
 * written as an OpenAI Batch request line (`custom_id` is the call's response-cache key, so vLLM's
 * batch runner reads it too) to `file`, never over one of the run's own files, and recorded in the
 * run's event log; the run is left `awaiting-batch`. No live call is made.
 */
export async function exportBatch(options: ExportBatchOptions): Promise<ExportBatchResult> {
  return batchPass(parseOptions(exportBatchOptionsSchema, options));
}
