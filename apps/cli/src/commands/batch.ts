import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type ChatModel,
  ConfigError,
  PartitionTree,
  RunStore,
  type RunSummary,
  runTreeSynth,
  wrapChatModel,
  writeFileAtomic,
} from '@treesynth/core';
import {
  type BatchRequestLine,
  cacheMiddleware,
  deferToBatchMiddleware,
  ingestBatchResults,
} from '@treesynth/providers';
import { defineCommand, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatSummary } from '../format-summary.js';
import { interruptSignal } from '../interrupt.js';
import { createProgressReporter } from '../progress.js';

const REQUESTS_FILE = 'batch-requests.jsonl';

/** Open a run whose tree is complete: a batch pass sends leaf calls only. */
async function openBuiltRun(dir: string | undefined): Promise<RunStore> {
  if (!dir)
    throw new ConfigError({
      path: '<run>',
      message: 'which run folder? e.g. treesynth batch export runs/gsm8k',
    });
  const store = await RunStore.open(dir);
  const treeFile = store.file('tree');
  const complete =
    existsSync(treeFile) && PartitionTree.fromJSON(JSON.parse(readFileSync(treeFile, 'utf8'))).isComplete();
  if (!complete) {
    await store.close();
    throw new ConfigError({
      path: dir,
      message: `the tree is not complete; build it first with: treesynth tree --resume --out ${dir}`,
    });
  }
  return store;
}

/**
 * One pass of the engine with no live endpoint: answers come from the response cache (where ingested
 * batch results are), and every leaf call still missing is written as a batch request instead.
 */
async function batchPass(
  store: RunStore,
  file: string,
  quiet: boolean,
): Promise<{ summary: RunSummary; requests: number }> {
  const { manifest } = store;
  const offline: ChatModel = {
    specificationVersion: 'v1',
    provider: manifest.model.provider,
    modelId: manifest.model.modelId,
    async doGenerate() {
      throw new ConfigError({
        path: store.dir,
        message: 'a batch pass makes no live calls; finish the tree with treesynth tree --resume first',
      });
    },
  };
  const lines: BatchRequestLine[] = [];
  const model = wrapChatModel({
    model: offline,
    middleware: [
      cacheMiddleware({ dir: store.file('cache') }),
      deferToBatchMiddleware({ stage: 'leaf', onRequest: (line) => lines.push(line) }),
    ],
  });
  const interrupt = interruptSignal();
  const reporter = createProgressReporter({ quiet, label: 'treesynth batch' });
  try {
    const summary = await runTreeSynth({
      task: manifest.task,
      model,
      config: manifest.config,
      store,
      signal: interrupt.signal,
      logger: reporter.logger,
      onProgress: reporter.update,
    });
    await writeFileAtomic(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    return { summary, requests: lines.length };
  } finally {
    reporter.stop();
    interrupt.dispose();
    // The pass is the command's last use of the run: release its lock.
    await store.close();
  }
}

function nextStep(dir: string, file: string, requests: number): string {
  return requests > 0
    ? `${requests} leaf calls written to ${file}\n  run them with the OpenAI Batch API or vLLM's batch runner, then: treesynth batch ingest ${dir} <results.jsonl>\n`
    : 'no leaf call is pending\n';
}

export const batchCommand = defineCommand({
  name: 'batch',
  summary:
    'Hand the leaf calls of a run to a batch job (OpenAI Batch, vLLM batch runner) and feed the results back.',
  usage: 'treesynth batch export <run> [--file FILE] | treesynth batch ingest <run> <results.jsonl>',
  options: {
    file: {
      type: 'string',
      value: '<file>',
      description: `where export writes the requests (default: <run>/${REQUESTS_FILE})`,
    },
    json: { type: 'boolean', description: 'print the summary as JSON on stdout' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr' },
  },
  notes: [
    'export: the run’s tree must be complete (treesynth tree). Writes every pending leaf call as an OpenAI Batch',
    'request line whose custom_id is the call’s cache key. ingest: stores each successful result in the run’s',
    'response cache, then finishes every leaf it can with no live call, with the same provenance and resume',
    'guarantees as a live run; calls still missing (failed in the batch) are written out again for another round.',
  ].join('\n'),
  examples: [
    'treesynth tree --task gsm8k --model gpt-4o-mini --depth 3 --out runs/gsm8k',
    'treesynth batch export runs/gsm8k',
    'treesynth batch ingest runs/gsm8k batch_output.jsonl',
  ],
  async run(values, positionals) {
    const [action, dir, results] = positionals;
    if (action !== 'export' && action !== 'ingest') {
      throw new ConfigError({
        path: 'batch',
        message: `expected "export" or "ingest", got ${action ? `"${action}"` : 'nothing'}`,
      });
    }
    const quiet = values.quiet === true;
    const store = await openBuiltRun(dir);
    const file = stringOption(values, 'file') ?? join(store.dir, REQUESTS_FILE);
    let ingested = '';
    if (action === 'ingest') {
      if (!results) {
        await store.close();
        throw new ConfigError({
          path: '<results.jsonl>',
          message: 'which results file? treesynth batch ingest <run> <results.jsonl>',
        });
      }
      const report = await ingestBatchResults({
        file: results,
        cacheDir: store.file('cache'),
        model: store.manifest.model,
      });
      const problems = [
        ...report.failed.map((entry) => `  line ${entry.line}: ${entry.error}`),
        ...report.invalid.map((entry) => `  line ${entry.line}: ${entry.error}`),
      ];
      ingested = `ingested ${report.stored} results from ${results}; ${report.failed.length} failed in the batch, ${report.invalid.length} unreadable\n${problems.slice(0, 20).join('\n')}${problems.length > 0 ? '\n' : ''}`;
    }
    const { summary, requests } = await batchPass(store, file, quiet);
    if (values.json === true) {
      process.stdout.write(
        `${JSON.stringify({ dir: store.dir, requests, requestsFile: file, ...summary }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `${ingested}${formatSummary(store.dir, summary)}  ${nextStep(store.dir, file, requests)}`,
      );
    }
    return summary.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  },
});
