import { rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ChatModel,
  type Logger,
  type PartitionTree,
  parseEngineConfig,
  silentLogger,
  type TaskDefinition,
  type UsageReport,
} from '@treesynth/core';
import {
  describeProblems,
  parseOptions,
  RunLock,
  scrubSecrets,
  writeFileAtomic,
} from '@treesynth/core/internal';
import { type BalanceOptions, balanceOptionsSchema, type ParsedBalanceOptions } from './balance-options.js';
import { BALANCE_FILES, writeBalanceManifest } from './output/balance-manifest.js';
import { type LeafDistribution, leafDistribution } from './output/leaf-distribution.js';
import { type BalanceRouter, planFile, writePlanFile } from './output/plan-file.js';
import { routeLines } from './output/route-lines.js';
import { writeBalancedRows } from './output/write-balanced-rows.js';
import { type BalancePlan, planBalance } from './plan/balance-plan.js';
import { curateSynthesis } from './plan/curate-synthesis.js';
import { targetSpec } from './plan/parse-balance-target.js';
import { type SynthesisResult, synthesizeShortfalls } from './plan/synthesize-shortfalls.js';
import { type PreparedBalance, prepareBalance } from './prepare-balance.js';
import { createRouter } from './routing/create-router.js';
import { routeWithProgress } from './routing/route-with-progress.js';
import { buildTree } from './tree/build-tree.js';
import { loadTreeFile } from './tree/load-tree-file.js';

export interface BalanceResult {
  /** The balance folder. */
  dir: string;
  dryRun: boolean;
  /** The model was a simulator: synthesized rows are placeholders. */
  simulated: boolean;
  data: { file: string; rows: number; bad: number; badLines: number[] };
  router: BalanceRouter;
  /** The plan's totals; after synthesis also `synthesized` and `out`. */
  totals: Record<string, number>;
  before: LeafDistribution;
  /** The balanced rows (in a dry run: what the plan would give). */
  after: LeafDistribution;
  /** Leaves still short after synthesis (or, in a dry run, after the caps). */
  shortLeaves: number;
  /** Calls and tokens of synthesis (paid and cached apart); absent in a dry run. */
  usage?: UsageReport;
  /** The files written in `dir`. */
  files: string[];
}

/**
 * Balance a dataset against a TreeSynth tree: read the rows, get the tree (build it in `<out>/tree`,
 * or load it), route every row to one leaf, plan the targets, downsample crowded leaves, synthesize
 * the shortfall of thin ones, and write the balance folder (balanced.jsonl, plan.json, routes.jsonl,
 * balance.json, and report.html through `writeReport`). All input is checked before the folder is
 * touched; the folder is locked while the balance runs; outputs are written atomically. The model
 * sources' caches in the folder make a rerun of the same balance pay for nothing twice.
 */
export async function balanceDataset(options: BalanceOptions): Promise<BalanceResult> {
  const request = parseOptions(balanceOptionsSchema, options);
  const prepared = await prepareBalance(request);
  const { out, inputs } = prepared;
  await mkdir(out, { recursive: true });
  // One balance in a folder at a time: a second process refuses here, naming the holder.
  const lock = RunLock.acquire(out);
  try {
    await writeBalanceManifest(out, inputs, 'running');
    return await balanceIn(request, prepared);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await writeBalanceManifest(out, inputs, request.signal?.aborted ? 'interrupted' : 'failed', {
      error: scrubSecrets(message.split('\n')[0] ?? message, request.secrets),
    }).catch(() => {});
    throw error;
  } finally {
    lock.release();
  }
}

/** Stage one in `<out>/tree` (resumed on a rerun), read back as the finished tree. */
async function buildTreeIn(
  request: ParsedBalanceOptions,
  prepared: PreparedBalance,
  connect: (cacheDir: string) => Promise<ChatModel>,
  logger: Logger,
): Promise<PartitionTree> {
  const dir = join(prepared.out, BALANCE_FILES.tree);
  await buildTree({
    dir,
    task: prepared.task,
    model: await connect(join(dir, 'cache')),
    config: parseEngineConfig({
      tree: {
        ...(request.depth !== undefined ? { depth: request.depth } : {}),
        ...(request.pivots !== undefined ? { pivots: request.pivots } : {}),
      },
      seed: request.seed,
      ...(request.concurrency !== undefined ? { concurrency: request.concurrency } : {}),
    }),
    simulated: prepared.model!.simulated === true,
    signal: request.signal,
    logger,
    onProgress: request.onProgress,
  });
  return loadTreeFile(dir, prepared.task).tree;
}

/** The plan's shortfalls from the model, with progress in the engine's shape. */
function synthesizePlan(
  request: ParsedBalanceOptions,
  context: { tree: PartitionTree; task: TaskDefinition; model: ChatModel; plan: BalancePlan; logger: Logger },
): Promise<SynthesisResult> {
  const { tree, plan } = context;
  const splitNodes = tree.counts.split;
  const leaves = tree.leaves().length;
  return synthesizeShortfalls({
    tree,
    task: context.task,
    model: context.model,
    config: parseEngineConfig({
      seed: request.seed,
      ...(request.concurrency !== undefined ? { concurrency: request.concurrency } : {}),
      ...(request.samplesPerCall !== undefined
        ? { synthesis: { samplesPerCall: request.samplesPerCall } }
        : {}),
    }),
    requests: plan.leaves.map((leaf) => ({ leafId: leaf.leafId, count: leaf.synthesize })),
    signal: request.signal,
    logger: context.logger,
    onProgress: (progress) =>
      request.onProgress?.({
        nodesSplit: splitNodes,
        nodesPending: 0,
        leaves,
        leafCallsDone: progress.leafCalls,
        leafCallsFailed: progress.failedCalls,
        leafCallsPlanned: progress.leafCallsPlanned,
        samples: progress.samples,
        calls: progress.calls,
        cachedCalls: progress.cachedCalls,
        tokens: progress.tokens,
        elapsedMs: progress.elapsedMs,
        treeComplete: true,
      }),
  });
}

/** Leaves short of their target after synthesis (in a dry run: under the caps). */
function shortLeaves(plan: BalancePlan, synthesis: SynthesisResult | undefined): number {
  const made = new Map(synthesis?.leaves.map((leaf) => [leaf.leafId, leaf.records.length]) ?? []);
  return plan.leaves.filter(
    (leaf) =>
      leaf.current - leaf.drop + (synthesis ? (made.get(leaf.leafId) ?? 0) : leaf.synthesize) < leaf.target,
  ).length;
}

async function balanceIn(request: ParsedBalanceOptions, prepared: PreparedBalance): Promise<BalanceResult> {
  const { data, out, inputs, task } = prepared;
  const logger = request.logger ?? silentLogger;
  const { signal, seed } = request;
  if (data.problems.length > 0) logger.warn(describeProblems(request.data, data.problems));
  const connect = (cacheDir: string): Promise<ChatModel> =>
    Promise.resolve(
      prepared.model!.create({
        ...(request.cache ? { cacheDir } : {}),
        logger,
        ...(signal ? { signal } : {}),
      }),
    );

  const tree = prepared.tree ?? (await buildTreeIn(request, prepared, connect, logger));
  const leaves = tree.leaves();
  logger.info(`tree: ${leaves.length} leaves (${prepared.treeLabel})`);

  // A counts file is checked against the tree before any routing is paid for.
  const target = targetSpec(prepared.target, leaves);
  const model = prepared.usesModel ? await connect(join(out, BALANCE_FILES.cache)) : undefined;
  const embedder = await prepared.embedder?.create({
    ...(request.cache ? { cacheDir: join(out, BALANCE_FILES.embeddings) } : {}),
    logger,
    ...(signal ? { signal } : {}),
  });

  // ---- route ----
  const router = createRouter({
    kind: request.router,
    tree,
    task,
    embedder,
    model,
    marginThreshold: request.marginThreshold,
    selfTraining: request.selfTraining,
    concurrency: request.concurrency,
    seed,
    logger,
  });
  const routes = await routeWithProgress(
    router,
    data.rows.map((row) => row.text),
    { logger, ...(signal ? { signal } : {}) },
  );
  const stats = router.stats();

  // ---- plan ----
  const plan: BalancePlan = planBalance({
    tree,
    routes,
    target,
    seed,
    maxSynthesized: request.maxSynthesized,
    maxSynthesizedPerLeaf: request.maxSynthesizedPerLeaf,
  });
  const beforeLeafIds = routes.flatMap((route) => (route.leafId === null ? [] : [route.leafId]));
  const keptIndices = plan.keep.flatMap((kept, index) => (kept ? [index] : []));
  const before = leafDistribution(tree, beforeLeafIds);
  const routerInfo: BalanceRouter = {
    kind: request.router,
    ...(prepared.embedder ? { embedder: prepared.embedder.id } : {}),
    ...(request.router !== 'embedding' ? { model: prepared.model!.id } : {}),
    ...(request.marginThreshold !== undefined ? { marginThreshold: request.marginThreshold } : {}),
    ...(request.selfTraining ? { selfTraining: request.selfTraining } : {}),
    stats,
  };
  const simulatedModel = prepared.usesModel && prepared.model?.simulated === true;
  const planInput = {
    dataFile: request.data,
    dataSha256: inputs.dataSha256 as string,
    field: data.field,
    problems: data.problems,
    rows: data.rows,
    tree: { source: prepared.treeLabel, task: task.name },
    router: routerInfo,
    plan,
    before,
  };
  await writeFileAtomic(
    join(out, BALANCE_FILES.routes),
    routeLines(data.rows, routes, plan.keep, data.problems)
      .map((line) => `${JSON.stringify(line)}\n`)
      .join(''),
  );

  let synthesis: SynthesisResult | undefined;
  let after: LeafDistribution;
  const files: string[] = [BALANCE_FILES.plan, BALANCE_FILES.routes];
  if (request.dryRun) {
    const planned = [
      ...keptIndices.map((index) => routes[index]!.leafId!),
      ...plan.leaves.flatMap((leaf) => new Array<string>(leaf.synthesize).fill(leaf.leafId)),
    ];
    after = leafDistribution(tree, planned);
    await writePlanFile(
      join(out, BALANCE_FILES.plan),
      planFile({ ...planInput, after, dryRun: true, simulated: simulatedModel }),
    );
    // Outputs of an earlier full run here no longer match this plan.
    for (const name of [BALANCE_FILES.balanced, BALANCE_FILES.report])
      rmSync(join(out, name), { force: true });
    await writeBalanceManifest(out, inputs, 'planned', { dryRun: true });
  } else {
    synthesis = await synthesizePlan(request, { tree, task, model: model!, plan, logger });
    if (request.curateSynthesized)
      synthesis = await curateSynthesis(synthesis, request.curateSynthesized, {
        task,
        model: model!,
        folder: out,
        signal: request.signal,
      });
    const written = await writeBalancedRows({
      out,
      request,
      data,
      task,
      tree,
      routes,
      keptIndices,
      beforeLeafIds,
      before,
      router: routerInfo,
      plan,
      synthesis,
      simulated: simulatedModel || synthesis.simulated,
    });
    after = written.after;
    await writePlanFile(
      join(out, BALANCE_FILES.plan),
      planFile({ ...planInput, after, dryRun: false, synthesis, simulated: simulatedModel }),
    );
    files.unshift(BALANCE_FILES.balanced);
    if (written.report) files.push(BALANCE_FILES.report);
    await writeBalanceManifest(out, inputs, 'complete', { dryRun: false });
  }
  const short = shortLeaves(plan, synthesis);
  if (short > 0)
    logger.warn(
      `${short} leaves stay short of their target${request.dryRun ? ' under the synthesis caps' : ''}; plan.json lists how many rows each is missing`,
    );
  return {
    dir: out,
    dryRun: request.dryRun,
    simulated: simulatedModel || synthesis?.simulated === true,
    data: {
      file: request.data,
      rows: data.rows.length + data.problems.length,
      bad: data.problems.length,
      badLines: data.problems.map((problem) => problem.line),
    },
    router: routerInfo,
    totals: {
      ...plan.totals,
      ...(synthesis ? { synthesized: synthesis.samples, out: plan.totals.kept + synthesis.samples } : {}),
    },
    before,
    after,
    shortLeaves: short,
    ...(synthesis ? { usage: synthesis.usage } : {}),
    files,
  };
}
