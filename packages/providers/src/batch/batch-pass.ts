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
  type Logger,
  type RunProgress,
  RunStore,
  type RunSummary,
  runTreeSynth,
  silentLogger,
  wrapChatModel,
} from '@treesynth/core';
import { RUN_FILES, writeFileAtomic } from '@treesynth/core/internal';
import { cacheMiddleware } from '../middleware/cache-middleware.js';
import { type CostEstimate, estimateCost } from '../pricing/estimate-cost.js';
import { writeUsageFile } from '../pricing/usage-file.js';
import {
  type BatchIngestReport,
  type BatchRequestLine,
  deferToBatchMiddleware,
  ingestBatchResults,
} from './batch-jobs.js';
import { BATCH_REQUESTS_FILE } from './batch-options.js';

/** What a batch pass did: the run's summary after it, and the requests still pending. */
export interface ExportBatchResult {
  /** The run folder. */
  dir: string;
  /** Where the pending requests were written (an empty file when none is pending). */
  requestsFile: string;
  /** Leaf calls written to `requestsFile`: 0 when the run is complete. */
  requests: number;
  /** The run after the pass: `awaiting-batch` while requests are pending, then `complete`. */
  summary: RunSummary;
  /** The run's cost, the batch stage priced like the others at the table's regular prices. */
  cost: CostEstimate;
}

export interface BatchPassOptions {
  dir: string;
  file?: string;
  /** A results file to store in the run before the pass. */
  results?: string;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (progress: RunProgress) => void;
}

/**
 * Check where the requests go before the run is touched: never one of the run's own files (or a temp
 * or hidden file of its store), symlinks and `./` resolved; and a file that can be written, so a bad
 * path fails before the run's status moves.
 */
function checkRequestsFile(dir: string, file: string): void {
  const refuse = (message: string) => new ConfigError({ path: 'file', message: `${file}: ${message}` });
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
      `that is the run's own ${reserved ?? 'folder or file'}; write the requests elsewhere, e.g. ${join(dir, BATCH_REQUESTS_FILE)}`,
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
      message: `the tree is not complete; build it first (a tree-only run, e.g. treesynth tree --resume --out ${dir})`,
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

/** Store a results file's answers in the run, and their usage as the `batch` stage of usage.json. */
async function ingest(
  store: RunStore,
  results: string,
  requests: ReadonlySet<string>,
  logger: Logger,
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
    logger.warn(
      `${results}: refused ${foreign.count} result(s) that answer no request of this run (e.g. line ${foreign.example.line}, custom_id ${foreign.example.customId}); they were not ingested`,
    );
  if (duplicates[0])
    logger.warn(
      `${results}: ${duplicates.length} line(s) repeat a custom_id with the same answer (e.g. line ${duplicates[0].line} repeats line ${duplicates[0].firstLine}); each was ingested once`,
    );
  return report;
}

/**
 * One pass of the engine with no live endpoint: answers come from the response cache (where ingested
 * batch results are), and every leaf call still missing is recorded in the event log and written as a
 * batch request instead.
 */
async function pass(
  store: RunStore,
  file: string,
  requests: Set<string>,
  options: BatchPassOptions,
): Promise<ExportBatchResult> {
  const { manifest } = store;
  const offline: ChatModel = {
    specificationVersion: 'v1',
    provider: manifest.model.provider,
    modelId: manifest.model.modelId,
    async doGenerate() {
      throw new ConfigError({
        path: store.dir,
        message: 'a batch pass makes no live calls; finish building the tree first',
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
  const summary = await runTreeSynth({
    task: manifest.task,
    model,
    config: manifest.config,
    store,
    signal: options.signal,
    logger: options.logger,
    onProgress: options.onProgress,
  });
  await writeFileAtomic(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
  // The batch stage is priced like the others, at the table's regular prices (batch discounts aside).
  const cost = estimateCost(summary.usage, manifest.model.modelId);
  await writeUsageFile(store, summary.usage, { cost });
  return { dir: store.dir, requestsFile: file, requests: lines.length, summary, cost };
}

/**
 * Open a run whose tree is complete, store a results file's answers in it (when `results` is given),
 * then run the engine once with no live endpoint, writing every leaf call still missing to the
 * requests file. The requests file is checked before the run is touched.
 */
export async function batchPass(
  options: BatchPassOptions,
): Promise<ExportBatchResult & { ingested?: BatchIngestReport }> {
  const { dir, results } = options;
  const file = options.file ?? join(dir, BATCH_REQUESTS_FILE);
  // Without a run here, opening it below says so.
  if (RunStore.exists(dir)) checkRequestsFile(dir, file);
  const store = await openBuiltRun(dir);
  try {
    const requests = await exportedRequests(store);
    const ingested = results
      ? await ingest(store, results, requests, options.logger ?? silentLogger)
      : undefined;
    return { ...(await pass(store, file, requests, options)), ...(ingested ? { ingested } : {}) };
  } finally {
    // The pass is the last use of the run: release its lock.
    await store.close();
  }
}
