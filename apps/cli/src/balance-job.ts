import { createReadStream, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import {
  type BalancePlan,
  createRouter,
  parseTargetCounts,
  planBalance,
  type Route,
  type RouterKind,
  type RouterStats,
  type SynthesisResult,
  synthesizeShortfalls,
  type TargetSpec,
} from '@treesynth/balance';
import {
  type ChatModel,
  ConfigError,
  checkOutputPath,
  type Embedder,
  isOwnTemporaryFile,
  type Logger,
  loadTask,
  PartitionTree,
  parseEngineConfig,
  RUN_FILES,
  RUN_LOCK_FILE,
  RunLock,
  RunStore,
  RunStoreError,
  readJsonFile,
  readRunManifest,
  sha256,
  stableStringify,
  type TaskDefinition,
  type UsageReport,
  writeFileAtomic,
} from '@treesynth/core';
import { writeReport } from '@treesynth/eval';
import {
  createEmbedder,
  DEFAULT_OFFLINE_EMBEDDER,
  DEFAULT_OPENAI_BASE_URL,
  embedMany,
  startSimulator,
} from '@treesynth/providers';
import {
  type LeafDistribution,
  leafDistribution,
  originalRow,
  planFile,
  reportInput,
  routeLines,
  synthesizedRow,
} from './balance-output.js';
import { type DatasetFile, describeProblems, readDatasetFile } from './dataset-file.js';
import { oneLine } from './exit-codes.js';
import { connectEndpoints, endpointURLs, withCallMiddleware } from './model-stack.js';
import { createProgressReporter } from './progress.js';
import { runJob } from './run-job.js';

export const ROUTER_KINDS: readonly RouterKind[] = ['embedding', 'llm', 'hybrid'];

/** The files of a balance folder. */
export const BALANCE_FILES = {
  manifest: 'balance.json',
  balanced: 'balanced.jsonl',
  plan: 'plan.json',
  routes: 'routes.jsonl',
  report: 'report.html',
  tree: 'tree',
  cache: 'cache',
  embeddings: 'embeddings',
} as const;

const ENGINE_DEFAULTS = parseEngineConfig({});

/** The model the offline default talks to: the built-in simulator, started in-process. */
export const SIMULATED_MODEL = 'treesynth-sim';

export interface BalanceRequest {
  data: string;
  field?: string;
  task?: string;
  description?: string;
  requirements?: string[];
  /** A tree.json, or a run folder holding one. */
  tree?: string;
  router: string;
  marginThreshold?: number;
  /** `uniform`, `paper`, a whole number (total, spread uniformly), or a JSON file of per-leaf counts. */
  target: string;
  out?: string;
  dryRun: boolean;
  embedder?: string;
  seed: number;
  /** Without a model and base URL, the built-in simulator answers. */
  model?: string;
  baseURLs?: string[];
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  cache: boolean;
  depth?: number;
  pivots?: number;
  samplesPerCall?: number;
  concurrency?: number;
  maxSynthesized?: number;
  maxSynthesizedPerLeaf?: number;
  quiet: boolean;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

export interface BalanceResult {
  dir: string;
  dryRun: boolean;
  simulated: boolean;
  data: { file: string; rows: number; bad: number; badLines: number[] };
  router: {
    kind: RouterKind;
    embedder?: string;
    model?: string;
    marginThreshold?: number;
    stats: RouterStats;
  };
  totals: Record<string, number>;
  before: LeafDistribution;
  after: LeafDistribution;
  /** Leaves still short after synthesis (or, in a dry run, after the caps). */
  shortLeaves: number;
  /** Calls and tokens of synthesis (paid and cached apart); absent in a dry run. */
  usage?: UsageReport;
  files: string[];
}

/** Parses `--target`; a file is checked against the tree later, once the tree is known. */
export function parseTargetArgument(
  value: string,
): { kind: 'uniform' | 'paper'; total?: number } | { kind: 'file'; file: string } {
  if (value === 'uniform' || value === 'paper') return { kind: value };
  if (/^\d+$/.test(value)) {
    const total = Number(value);
    if (total < 1) throw new ConfigError({ path: '--target', message: 'a total must be at least 1' });
    return { kind: 'uniform', total };
  }
  if (value.endsWith('.json')) {
    if (!existsSync(value)) throw new ConfigError({ path: `--target ${value}`, message: 'no such file' });
    return { kind: 'file', file: value };
  }
  throw new ConfigError({
    path: '--target',
    message: `expected uniform, paper, a whole number or a .json file of per-leaf counts, got "${value}"`,
  });
}

function checkRouter(value: string): RouterKind {
  if ((ROUTER_KINDS as readonly string[]).includes(value)) return value as RouterKind;
  throw new ConfigError({
    path: '--router',
    message: `unknown router "${value}"; use ${ROUTER_KINDS.join(', ')}`,
  });
}

async function sha256File(file: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

interface TreeSource {
  tree?: PartitionTree;
  task: TaskDefinition;
  /** What the fingerprint records about where the tree comes from (flat, so a difference names its key). */
  identity: Record<string, unknown>;
  label: string;
}

/** A tree.json (or a run folder holding one), checked; the task from --task or the run.json beside it. */
function loadTreeFile(
  reference: string,
  task: TaskDefinition | undefined,
): { tree: PartitionTree; task: TaskDefinition; file: string } {
  const file =
    existsSync(reference) && statSync(reference).isDirectory() ? join(reference, RUN_FILES.tree) : reference;
  const tree = PartitionTree.parse(readJsonFile(file, 'tree file'), file);
  const pending = tree.counts.pending;
  if (pending > 0)
    throw new ConfigError({
      path: file,
      message: `the tree is not finished (${pending} pending nodes); finish it with treesynth tree --resume --out <its run folder>`,
    });
  if (tree.leaves().length === 0) throw new ConfigError({ path: file, message: 'the tree has no leaves' });
  if (task) return { tree, task, file };
  const manifestFile = join(dirname(file), RUN_FILES.manifest);
  if (!existsSync(manifestFile))
    throw new ConfigError({
      path: '--task',
      message: `${file} has no ${RUN_FILES.manifest} beside it to name its task; give it with --task (e.g. --task gsm8k)`,
    });
  return { tree, task: readRunManifest(manifestFile).task, file };
}

/** The first key where two flat fingerprints differ. */
function firstDifference(a: Record<string, unknown>, b: Record<string, unknown>): string | undefined {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].find(
    (key) => stableStringify(a[key]) !== stableStringify(b[key]),
  );
}

/**
 * Make sure `dir` may hold this balance: it is missing, empty, or holds a balance of the same inputs
 * (then its outputs are rewritten, and its caches answer what was paid for). Anything else is refused.
 */
function checkOutDir(dir: string, inputs: Record<string, unknown>): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory())
    throw new RunStoreError({ file: dir, message: 'is a file; choose a folder for --out' });
  const entries = readdirSync(dir).filter((name) => !isOwnTemporaryFile(name) && name !== RUN_LOCK_FILE);
  if (entries.length === 0) return;
  const manifestFile = join(dir, BALANCE_FILES.manifest);
  if (!existsSync(manifestFile))
    throw new RunStoreError({
      file: dir,
      message: `is not empty and holds no balance (${BALANCE_FILES.manifest} is missing); choose another --out`,
    });
  const manifest = readJsonFile(manifestFile, 'balance manifest') as { inputs?: Record<string, unknown> };
  const where = firstDifference(manifest.inputs ?? {}, inputs);
  if (where)
    throw new RunStoreError({
      file: dir,
      message: `holds a balance of other inputs (${where} was ${JSON.stringify(manifest.inputs?.[where]) ?? 'unset'} there and is ${JSON.stringify(inputs[where]) ?? 'unset'} now); choose another --out`,
    });
}

async function writeManifest(
  dir: string,
  inputs: Record<string, unknown>,
  status: string,
  extra: Record<string, unknown> = {},
) {
  await writeFileAtomic(
    join(dir, BALANCE_FILES.manifest),
    `${JSON.stringify({ tool: 'treesynth-ts', kind: 'balance', schemaVersion: 1, status, updatedAt: new Date().toISOString(), inputs, ...extra }, null, 2)}\n`,
  );
}

/** Embeds through the on-disk cache in `dir`, so a rerun does not embed (or pay for) a text twice. */
function cachedEmbedder(embedder: Embedder, cacheDir: string): Embedder {
  return {
    specificationVersion: 'v1',
    provider: embedder.provider,
    modelId: embedder.modelId,
    ...(embedder.dimensions !== undefined ? { dimensions: embedder.dimensions } : {}),
    maxEmbeddingsPerCall: Math.max(embedder.maxEmbeddingsPerCall, 1024),
    async doEmbed(options) {
      const { embeddings } = await embedMany({
        embedder,
        values: options.values,
        signal: options.signal,
        cacheDir,
      });
      return { embeddings };
    },
  };
}

function throttled(logger: Logger, everyMs: number): (message: string, force?: boolean) => void {
  let last = 0;
  return (message, force = false) => {
    const now = Date.now();
    if (!force && now - last < everyMs) return;
    last = now;
    logger.info(message);
  };
}

/**
 * `treesynth balance`: read the rows, get the tree (build it, or load it), route every row to one
 * leaf, plan targets, downsample and synthesize, and write the balance folder. All input is checked
 * before the folder is touched; outputs are written atomically; the response cache in `out/cache`
 * (and the tree run's own in `out/tree/cache`) makes a rerun of the same command pay for nothing twice.
 */
export async function runBalance(request: BalanceRequest): Promise<BalanceResult> {
  // ---- check every input before anything is written ----
  if (!request.field)
    throw new ConfigError({
      path: '--field',
      message: 'which field of each row holds the text? e.g. --field question',
    });
  const routerKind = checkRouter(request.router);
  const targetArgument = parseTargetArgument(request.target);
  if (!request.task && !request.tree)
    throw new ConfigError({
      path: '--task',
      message:
        'which tree? build one with --task <name|file> (e.g. --task gsm8k), or load one with --tree <tree.json|run folder>',
    });
  const data: DatasetFile = await readDatasetFile(request.data, request.field);
  const out = request.out ?? join('runs', `balance-${basename(request.data, extname(request.data))}`);
  checkOutputPath(out, { flag: '--out', kind: 'folder' });
  for (const name of [BALANCE_FILES.balanced, BALANCE_FILES.plan, BALANCE_FILES.routes])
    if (resolve(request.data) === resolve(out, name))
      throw new ConfigError({
        path: '--out',
        message: `would overwrite the input ${request.data}; choose another --out`,
      });
  const namedTask = request.task
    ? loadTask(request.task, { description: request.description, requirements: request.requirements })
    : undefined;
  const fromFile = request.tree ? loadTreeFile(request.tree, namedTask) : undefined;
  const source: TreeSource = fromFile
    ? {
        tree: fromFile.tree,
        task: fromFile.task,
        identity: { treeSha256: await sha256File(fromFile.file), task: fromFile.task.name },
        label: fromFile.file,
      }
    : {
        task: namedTask!,
        identity: {
          task: namedTask!.name,
          taskSha256: sha256(stableStringify(namedTask)),
          depth: request.depth ?? ENGINE_DEFAULTS.tree.depth,
          pivots: request.pivots ?? ENGINE_DEFAULTS.tree.pivots,
        },
        label: join(out, BALANCE_FILES.tree, RUN_FILES.tree),
      };
  const simulated = request.model === undefined && (request.baseURLs ?? []).length === 0;
  const modelId = request.model ?? SIMULATED_MODEL;
  const embedderSpec = request.embedder ?? DEFAULT_OFFLINE_EMBEDDER;
  const usesModel = !fromFile || routerKind !== 'embedding' || !request.dryRun;
  const inputs: Record<string, unknown> = {
    dataSha256: await sha256File(request.data),
    field: request.field,
    ...source.identity,
    router: routerKind,
    marginThreshold: request.marginThreshold ?? null,
    embedder: routerKind === 'llm' ? null : embedderSpec,
    model: simulated ? `${SIMULATED_MODEL} (simulated)` : modelId,
    seed: request.seed,
  };
  checkOutDir(out, inputs);
  // Checked before the folder is made: a bad --base-url or OPENAI_BASE_URL leaves nothing behind.
  const endpoints = simulated ? [] : endpointURLs(request.baseURLs, request.env, DEFAULT_OPENAI_BASE_URL);

  // ---- the folder, the model, the tree ----
  await mkdir(out, { recursive: true });
  // One balance in a folder at a time: a second process refuses here, naming the holder.
  const lock = RunLock.acquire(out);
  await writeManifest(out, inputs, 'running').catch((error: unknown) => {
    lock.release();
    throw error;
  });
  const reporter = createProgressReporter({
    quiet: request.quiet,
    label: simulated ? 'treesynth balance (simulated LLM)' : 'treesynth balance',
  });
  const logger = reporter.logger;
  let progressStopped = false;
  const stopProgress = () => {
    if (!progressStopped) reporter.stop();
    progressStopped = true;
  };
  if (data.problems.length > 0) logger.warn(describeProblems(request.data, data.problems));
  const simulator = simulated && usesModel ? await startSimulator({ seed: request.seed }) : undefined;
  try {
    const baseURLs = simulator ? [simulator.url] : endpoints;
    if (simulator)
      logger.info(
        `simulated LLM listening on ${simulator.url} (seed ${request.seed}); nothing leaves this machine`,
      );

    let tree = source.tree;
    if (!tree) {
      const treeDir = join(out, BALANCE_FILES.tree);
      await runJob({
        task: request.task,
        description: request.description,
        requirements: request.requirements,
        model: modelId,
        baseURLs,
        requestsPerMinute: request.requestsPerMinute,
        tokensPerMinute: request.tokensPerMinute,
        out: treeDir,
        resume: RunStore.exists(treeDir),
        overrides: {
          depth: request.depth,
          pivots: request.pivots,
          seed: request.seed,
          concurrency: request.concurrency,
        },
        timeoutMs: request.timeoutMs,
        maxAttempts: request.maxAttempts,
        treeOnly: true,
        quiet: request.quiet,
        cache: request.cache,
        ...(simulated ? { simulated: true } : {}),
        env: request.env,
        signal: request.signal,
      });
      tree = loadTreeFile(treeDir, source.task).tree;
    }
    const leaves = tree.leaves();
    logger.info(`tree: ${leaves.length} leaves (${source.label})`);

    // A counts file is checked against the tree before any routing is paid for.
    const target: TargetSpec =
      targetArgument.kind === 'file'
        ? {
            kind: 'counts',
            counts: parseTargetCounts(
              readJsonFile(targetArgument.file, 'target file'),
              leaves,
              targetArgument.file,
            ),
            source: targetArgument.file,
          }
        : targetArgument;
    const model: ChatModel | undefined = usesModel
      ? withCallMiddleware(
          await connectEndpoints({
            modelId,
            baseURLs,
            apiKey: simulator ? undefined : request.env.OPENAI_API_KEY || undefined,
            signal: request.signal,
          }),
          {
            ...(request.cache ? { cacheDir: join(out, BALANCE_FILES.cache) } : {}),
            requestsPerMinute: request.requestsPerMinute,
            tokensPerMinute: request.tokensPerMinute,
            timeoutMs: request.timeoutMs,
            maxAttempts: request.maxAttempts,
            logger,
          },
        )
      : undefined;
    const baseEmbedder =
      routerKind === 'llm'
        ? undefined
        : createEmbedder(embedderSpec, {
            baseURL: request.env.OPENAI_BASE_URL || undefined,
            apiKey: request.env.OPENAI_API_KEY || undefined,
          });
    const embedder =
      baseEmbedder && request.cache && !embedderSpec.startsWith('hashing')
        ? cachedEmbedder(baseEmbedder, join(out, BALANCE_FILES.embeddings))
        : baseEmbedder;

    // ---- route ----
    const router = createRouter({
      kind: routerKind,
      tree,
      task: source.task,
      embedder,
      model,
      marginThreshold: request.marginThreshold,
      concurrency: request.concurrency,
      seed: request.seed,
      logger,
    });
    const routing = throttled(logger, 2000);
    const routes: Route[] = await router.route(
      data.rows.map((row) => row.text),
      {
        signal: request.signal,
        onProgress: (progress) =>
          progress.routed > 0 &&
          routing(
            `routing: ${progress.routed}/${progress.total} rows${progress.llmCalls > 0 ? `, ${progress.llmCalls} LLM calls` : ''}, ${(progress.elapsedMs / 1000).toFixed(1)} s`,
          ),
      },
    );
    const stats = router.stats();
    routing(`routing: ${routes.length} rows, ${stats.unrouted} unrouted, ${stats.llmCalls} LLM calls`, true);

    // ---- plan ----
    const plan: BalancePlan = planBalance({
      tree,
      routes,
      target,
      seed: request.seed,
      maxSynthesized: request.maxSynthesized,
      maxSynthesizedPerLeaf: request.maxSynthesizedPerLeaf,
    });
    const beforeLeafIds = routes.flatMap((route) => (route.leafId === null ? [] : [route.leafId]));
    const keptIndices = plan.keep.flatMap((kept, index) => (kept ? [index] : []));
    const before = leafDistribution(tree, beforeLeafIds);
    const routerInfo = {
      kind: routerKind,
      ...(embedder ? { embedder: embedderSpec } : {}),
      ...(routerKind !== 'embedding' ? { model: modelId } : {}),
      ...(request.marginThreshold !== undefined ? { marginThreshold: request.marginThreshold } : {}),
      stats,
    };
    const common = {
      dataFile: request.data,
      dataSha256: inputs.dataSha256 as string,
      field: data.field,
      problems: data.problems,
      rows: data.rows,
      tree: { source: source.label, task: source.task.name },
      router: routerInfo,
      plan,
      before,
      simulated: simulator !== undefined,
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
      await writeFileAtomic(
        join(out, BALANCE_FILES.plan),
        `${JSON.stringify(planFile({ ...common, after, dryRun: true }), null, 2)}\n`,
      );
      // Outputs of an earlier full run here no longer match this plan.
      for (const name of [BALANCE_FILES.balanced, BALANCE_FILES.report])
        rmSync(join(out, name), { force: true });
      await writeManifest(out, inputs, 'planned', { dryRun: true });
    } else {
      // ---- synthesize the shortfalls ----
      const config = parseEngineConfig({
        seed: request.seed,
        ...(request.concurrency !== undefined ? { concurrency: request.concurrency } : {}),
        ...(request.samplesPerCall !== undefined
          ? { synthesis: { samplesPerCall: request.samplesPerCall } }
          : {}),
      });
      const splitNodes = tree.counts.split;
      synthesis = await synthesizeShortfalls({
        tree,
        task: source.task,
        model: model!,
        config,
        requests: plan.leaves.map((leaf) => ({ leafId: leaf.leafId, count: leaf.synthesize })),
        signal: request.signal,
        logger,
        onProgress: (progress) =>
          reporter.update({
            nodesSplit: splitNodes,
            nodesPending: 0,
            leaves: leaves.length,
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
      stopProgress();
      const records = synthesis.leaves.flatMap((leaf) => leaf.records);
      const rows = [
        ...keptIndices.map((index) => originalRow(data.rows[index]!, routes[index]!)),
        ...records.map((record) => synthesizedRow(record, source.task, data.field)),
      ];
      await writeFileAtomic(
        join(out, BALANCE_FILES.balanced),
        rows.map((row) => `${JSON.stringify(row)}\n`).join(''),
      );
      const afterLeafIds = [
        ...keptIndices.map((index) => routes[index]!.leafId!),
        ...records.map((record) => record.leaf_id),
      ];
      after = leafDistribution(tree, afterLeafIds);
      await writeFileAtomic(
        join(out, BALANCE_FILES.plan),
        `${JSON.stringify(planFile({ ...common, after, dryRun: false, synthesis }), null, 2)}\n`,
      );
      const notes = [
        `Router: ${routerKind}${embedder ? ` (embedder ${embedderSpec})` : ''}; target: ${plan.target.kind}, ${plan.target.total} rows; seed ${plan.seed}.`,
        `${data.rows.length} usable rows of ${data.rows.length + data.problems.length}; ${plan.totals.unrouted} unrouted.`,
        ...(synthesis.unfilled + plan.totals.unfilled > 0
          ? [`${synthesis.unfilled + plan.totals.unfilled} samples short of the targets (see plan.json).`]
          : []),
      ];
      await writeReport(
        join(out, BALANCE_FILES.report),
        reportInput({
          tree,
          task: source.task,
          dataFile: request.data,
          beforeLeafIds,
          afterLeafIds,
          beforeTexts: data.rows.filter((_, index) => routes[index]!.leafId !== null).map((row) => row.text),
          afterTexts: rows.map((row) => String(row[data.field] ?? '')),
          before,
          after,
          plan,
          synthesized: records.length,
          simulated: simulator !== undefined || synthesis.simulated,
          notes,
        }),
      );
      files.unshift(BALANCE_FILES.balanced);
      files.push(BALANCE_FILES.report);
      await writeManifest(out, inputs, 'complete', { dryRun: false });
    }
    const made = new Map(synthesis?.leaves.map((leaf) => [leaf.leafId, leaf.records.length]) ?? []);
    const short = plan.leaves.filter(
      (leaf) =>
        leaf.current - leaf.drop + (synthesis ? (made.get(leaf.leafId) ?? 0) : leaf.synthesize) < leaf.target,
    ).length;
    if (short > 0)
      logger.warn(
        `${short} leaves stay short of their target${request.dryRun ? ' under the synthesis caps' : ''}; plan.json lists how many rows each is missing`,
      );
    return {
      dir: out,
      dryRun: request.dryRun,
      simulated: simulator !== undefined || synthesis?.simulated === true,
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
  } catch (error) {
    await writeManifest(out, inputs, request.signal.aborted ? 'interrupted' : 'failed', {
      error: oneLine(error, request.env.OPENAI_API_KEY),
    }).catch(() => {});
    throw error;
  } finally {
    stopProgress();
    await simulator?.close();
    lock.release();
  }
}
