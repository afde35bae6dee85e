import {
  type BatchResult,
  batchResultJson,
  exportBatch,
  exportBatchOptionsSchema,
  formatBatchResult,
  ingestBatch,
} from '@treesynth/providers';
import { defineCommand, OUTPUT_OPTIONS, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { schemaFlags } from '../flags.js';
import { printResult, runJob } from '../job.js';

export const command = defineCommand({
  name: 'batch',
  summary:
    'Hand the leaf calls of a run to a batch job (OpenAI Batch, vLLM batch runner) and feed the results back.',
  usage: 'treesynth batch export <run> [--file FILE] | treesynth batch ingest <run> <results.jsonl>',
  args: ['export|ingest', '<run>', '[<results.jsonl>]'],
  names: { results: '<results.jsonl>' },
  options: {
    ...schemaFlags(exportBatchOptionsSchema.shape, { file: '<file>' }),
    ...OUTPUT_OPTIONS,
  },
  notes: [
    'export: the run’s tree must be complete (treesynth tree). Writes every pending leaf call as an OpenAI Batch',
    'request line whose custom_id is the call’s cache key (never over one of the run’s own files). ingest: checks',
    'the whole file first (a line that is not a result, or two different answers for one custom_id, is refused',
    'with its line number and nothing is ingested; a repeated identical answer is a warning), refuses results',
    'of requests this run never exported (another run’s), stores each successful result in the run’s response',
    'cache and its tokens as the `batch` stage of usage.json, then finishes every leaf it can with no live call;',
    'calls still missing (failed in the batch) are written out again for another round.',
  ].join('\n'),
  examples: [
    'treesynth tree --task gsm8k --model gpt-4o-mini --depth 3 --out runs/gsm8k',
    'treesynth batch export runs/gsm8k',
    'treesynth batch ingest runs/gsm8k batch_output.jsonl',
  ],
  async run(values, positionals) {
    const [action, dir = '', results] = positionals;
    const result: BatchResult = await runJob(values, 'treesynth batch', ({ signal, logger, onProgress }) => {
      const options = { dir, file: stringOption(values, 'file'), signal, logger, onProgress };
      return action === 'ingest' ? ingestBatch({ ...options, results: results ?? '' }) : exportBatch(options);
    });
    printResult(values, batchResultJson(result), () =>
      formatBatchResult(result, {
        results,
        resumeWith: `treesynth run --resume --out ${result.dir}`,
        ingestWith: `treesynth batch ingest ${result.dir} <results.jsonl>`,
      }),
    );
    return result.summary.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  },
});
