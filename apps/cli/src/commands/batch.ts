import {
  accessSync,
  constants,
  existsSync,
  realpathSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';
import {
  type ChatModel,
  ConfigError,
  RUN_FILES,
  RunStore,
  type RunSummary,
  runTreeSynth,
  wrapChatModel,
  writeFileAtomic,
} from '@treesynth/core';
import {
  type BatchIngestReport,
  type BatchRequestLine,
  type CostEstimate,
  cacheMiddleware,
  deferToBatchMiddleware,
  estimateCost,
  ingestBatchResults,
} from '@treesynth/providers';
import { defineCommand, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { formatSummary } from '../format-summary.js';
import { interruptSignal } from '../interrupt.js';
import { createProgressReporter } from '../progress.js';
import { writeUsageFile } from '../usage-file.js';

const REQUESTS_FILE = 'batch-requests.jsonl';

/**
 * Check where the requests go before the run is touched: never one of the run's own files (or a temp
 * or hidden file of its store), symlinks and `./` resolved; and a file that can be written, so a bad
 * path fails before the run's status moves.
 */
function checkRequestsFile(dir: string, file: string): void {
  const refuse = (message: string) => new ConfigError({ path: '--file', message: `${file}: ${message}` });
  let target: string;
  try {
    target = existsSync(file) ? realpathSync(file) : join(realpathSync(dirname(file)), basename(file));
  } catch (error) {
    throw refuse(`cannot write there (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const inside = relative(realpathSync(dir), target);
  const top = inside.split(sep)[0] ?? '';
  const reserved = Object.values(RUN_FILES).find((name) => top === name || top.startsWith(`${name}.`));
  const outside = top === '..' || isAbsolute(inside);
  if (inside === '' || (!outside && (reserved || top.startsWith('.'))))
    throw refuse(
      `that is the run's own ${reserved ?? 'folder or file'}; write the requests elsewhere, e.g. ${join(dir, REQUESTS_FILE)}`,
    );
  try {
    if (existsSync(target)) {
      if (!statSync(target).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      accessSync(target, constants.W_OK);
    } else {
      writeFileSync(target, '', { flag: 'wx' });
      unlinkSync(target);
    }
  } catch (error) {
    throw refuse(`cannot write there (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** Open a run whose tree is complete: a batch pass sends leaf calls only. */
async function openBuiltRun(dir: string): Promise<RunStore> {
  const store = await RunStore.open(dir);
  let complete: boolean;
  try {
    complete = store.readTree()?.isComplete() ?? false;
  } catch (error) {
    await store.close();
    throw error;
  }
  if (!complete) {
    await store.close();
    throw new ConfigError({
      path: dir,
      message: `the tree is not complete; build it first with: treesynth tree --resume --out ${dir}`,
    });
  }
  return store;
}

/** The custom_ids this run has written to batch files: ingest accepts results for these only. */
async function exportedRequests(store: RunStore): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const event of store.readEvents()) if (event.type === 'batch-request') keys.add(event.key);
  return keys;
}

/**
 * One pass of the engine with no live endpoint: answers come from the response cache (where ingested
 * batch results are), and every leaf call still missing is recorded in the event log and written as a
 * batch request instead.
 */
async function batchPass(
  store: RunStore,
  file: string,
  requests: Set<string>,
  quiet: boolean,
): Promise<{ summary: RunSummary; requests: number; cost: CostEstimate }> {
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
  const onRequest = async (line: BatchRequestLine, call: string) => {
    lines.push(line);
    if (requests.has(line.custom_id)) return;
    requests.add(line.custom_id);
    await store.appendEvents([{ type: 'batch-request', key: line.custom_id, call }]);
  };
  const model = wrapChatModel({
    model: offline,
    middleware: [
      cacheMiddleware({ dir: store.file('cache') }),
      deferToBatchMiddleware({ stage: 'leaf', onRequest }),
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
    // The batch stage is priced like the others, at the table's regular prices (batch discounts aside).
    const cost = estimateCost(summary.usage, manifest.model.modelId);
    await writeUsageFile(store, summary.usage, { cost });
    return { summary, requests: lines.length, cost };
  } finally {
    reporter.stop();
    interrupt.dispose();
    // The pass is the command's last use of the run: release its lock.
    await store.close();
  }
}

/** Store a results file's answers in the run, and their usage as the `batch` stage of usage.json. */
async function ingest(
  store: RunStore,
  results: string,
  requests: ReadonlySet<string>,
): Promise<BatchIngestReport> {
  const report = await ingestBatchResults({
    file: results,
    cacheDir: store.file('cache'),
    model: store.manifest.model,
    requests,
  });
  await store.appendEvents(
    report.stored.map(({ customId, usage }) => ({
      type: 'call',
      stage: 'batch',
      key: customId,
      usage,
      cached: false,
      ms: 0,
    })),
  );
  const { foreign, duplicates } = report;
  if (foreign.example)
    process.stderr.write(
      `warning: ${results}: refused ${foreign.count} result(s) that answer no request of this run (e.g. line ${foreign.example.line}, custom_id ${foreign.example.customId}); they were not ingested\n`,
    );
  if (duplicates[0])
    process.stderr.write(
      `warning: ${results}: ${duplicates.length} line(s) repeat a custom_id with the same answer (e.g. line ${duplicates[0].line} repeats line ${duplicates[0].firstLine}); each was ingested once\n`,
    );
  return report;
}

function describeIngest(results: string, report: BatchIngestReport): string {
  const already = report.alreadyStored > 0 ? `, ${report.alreadyStored} ingested before` : '';
  const failed = report.failed.slice(0, 20).map((entry) => `  line ${entry.line}: ${entry.error}\n`);
  return `ingested ${report.stored.length} results from ${results}; ${report.failed.length} failed in the batch${already}\n${failed.join('')}`;
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
    const [action, dir, results] = positionals;
    if (action !== 'export' && action !== 'ingest') {
      throw new ConfigError({
        path: 'batch',
        message: `expected "export" or "ingest", got ${action ? `"${action}"` : 'nothing'}`,
      });
    }
    if (!dir)
      throw new ConfigError({
        path: '<run>',
        message: 'which run folder? e.g. treesynth batch export runs/gsm8k',
      });
    if (action === 'ingest' && !results)
      throw new ConfigError({
        path: '<results.jsonl>',
        message: 'which results file? treesynth batch ingest <run> <results.jsonl>',
      });
    const quiet = values.quiet === true;
    const file = stringOption(values, 'file') ?? join(dir, REQUESTS_FILE);
    // Without a run here, opening it below says so.
    if (RunStore.exists(dir)) checkRequestsFile(dir, file);
    const store = await openBuiltRun(dir);
    let report: BatchIngestReport | undefined;
    let pass: Awaited<ReturnType<typeof batchPass>>;
    try {
      const requests = await exportedRequests(store);
      if (action === 'ingest' && results) report = await ingest(store, results, requests);
      pass = await batchPass(store, file, requests, quiet);
    } finally {
      await store.close();
    }
    const { summary, requests, cost } = pass;
    if (values.json === true) {
      const ingested = report && {
        stored: report.stored.length,
        alreadyStored: report.alreadyStored,
        failed: report.failed.length,
        foreign: report.foreign.count,
        duplicates: report.duplicates.length,
      };
      process.stdout.write(
        `${JSON.stringify({ dir: store.dir, requests, requestsFile: file, ...(ingested ? { ingested } : {}), ...summary, cost }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(
        `${report && results ? describeIngest(results, report) : ''}${formatSummary(store.dir, summary, { cost })}  ${nextStep(store.dir, file, requests)}`,
      );
    }
    return summary.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
  },
});
