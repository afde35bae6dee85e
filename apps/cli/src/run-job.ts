import { join } from 'node:path';
import {
  ConfigError,
  checkOutputPath,
  type EngineConfig,
  type EngineConfigFile,
  type EngineConfigInput,
  loadTask,
  parseEngineConfig,
  parseEngineConfigFile,
  RunStore,
  RunStoreError,
  type RunSummary,
  readJsonFile,
  redactUrl,
  runTreeSynth,
  sha256,
  stableStringify,
  type TaskDefinition,
} from '@treesynth/core';
import {
  type CostEstimate,
  DEFAULT_OPENAI_BASE_URL,
  estimateCost,
  findPrice,
  type PriceTable,
  parsePriceFile,
  prefixShareMiddleware,
  tokenCost,
} from '@treesynth/providers';
import { connectEndpoints, endpointURLs, withCallMiddleware } from './model-stack.js';
import { createProgressReporter } from './progress.js';
import { loadStageModules, type StageModules, stageModulesFromConfig } from './stage-modules.js';
import { writeUsageFile } from './usage-file.js';

export interface JobRequest {
  task?: string;
  description?: string;
  requirements?: string[];
  model?: string;
  /** One endpoint, or several serving the same model (load-balanced, with failover). */
  baseURLs?: string[];
  /** Requests and tokens per minute allowed at the endpoint(s). */
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  /** A price file overriding the built-in table. */
  pricesFile?: string;
  out?: string;
  resume: boolean;
  configFile?: string;
  overrides: {
    depth?: number;
    pivots?: number;
    samplesPerCall?: number;
    concurrency?: number;
    maxSamples?: number;
    seed?: number;
  };
  /** Per-attempt timeout of a model call. */
  timeoutMs?: number;
  /** Attempts per call on retryable errors. */
  maxAttempts?: number;
  treeOnly: boolean;
  quiet: boolean;
  cache: boolean;
  /** Set by `demo`: the endpoint is the in-process simulator. */
  simulated?: boolean;
  env: NodeJS.ProcessEnv;
  signal: AbortSignal;
}

export interface JobResult {
  dir: string;
  summary: RunSummary;
  /** USD by stage and in total, when the model has a price (for a simulated run: what it would have cost). */
  cost?: CostEstimate;
  /** Stage-two forecast in USD for a tree-only run, when the model has a price. */
  forecastUSD?: number;
  /** Share of prompt characters repeated from the previous call of the same stage (prefix-cache friendly). */
  prefixShare?: Record<string, number>;
}

const STAGE_ONE_PARTS = ['task', 'tree', 'seed', 'model'] as const;

/**
 * Why a resume may not move the sample budget from `before` to `after` (null: no limit), or undefined
 * when it may: raising or dropping the limit extends the run, since a larger budget keeps every leaf's
 * samples (see `spreadBudget`); lowering it would leave more rows than the new limit allows.
 */
export function budgetChangeProblem(before: number | null, after: number | null): string | undefined {
  if (after === null || (before !== null && after >= before)) return undefined;
  return before === null
    ? `maxSamples was no limit in this run and is ${after} now; a run made without --max-samples cannot take one on resume (the rows already made may not fit it)`
    : `maxSamples was ${before} in this run and is ${after} now; a resume may raise --max-samples, not lower it (the rows already made would not fit)`;
}

function pick<T extends object>(value: T, keys: readonly (keyof T)[]): Partial<T> {
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Partial<T>;
}

/** Everything that changes the dataset; a resume must match it exactly. */
function fingerprintParts(
  task: TaskDefinition,
  config: EngineConfig,
  modelId: string,
  stages: Record<string, string>,
) {
  return {
    ...(Object.keys(stages).length > 0 ? { stages } : {}),
    task,
    tree: config.tree,
    synthesis: config.synthesis,
    maxSamples: config.maxSamples ?? null,
    seed: config.seed,
    model: modelId,
  };
}

function readConfigFile(file: string): EngineConfigFile {
  return parseEngineConfigFile(readJsonFile(file, 'config file'), file);
}

function buildConfig(
  request: JobRequest,
  base: EngineConfigInput,
): { config: EngineConfig; stageModules?: StageModules } {
  const { stages, ...fromFile }: EngineConfigFile = request.configFile
    ? readConfigFile(request.configFile)
    : {};
  const stageModules = request.configFile ? stageModulesFromConfig(request.configFile, stages) : undefined;
  const merged = { ...base, ...fromFile } as EngineConfigInput & Record<string, unknown>;
  const { depth, pivots, samplesPerCall, concurrency, maxSamples, seed } = request.overrides;
  merged.tree = {
    ...base.tree,
    ...fromFile.tree,
    ...(depth !== undefined ? { depth } : {}),
    ...(pivots !== undefined ? { pivots } : {}),
  };
  merged.synthesis = {
    ...base.synthesis,
    ...fromFile.synthesis,
    ...(samplesPerCall !== undefined ? { samplesPerCall } : {}),
  };
  if (concurrency !== undefined) merged.concurrency = concurrency;
  if (maxSamples !== undefined) merged.maxSamples = maxSamples;
  if (seed !== undefined) merged.seed = seed;
  return { config: parseEngineConfig(merged, request.configFile ?? 'config'), stageModules };
}

/** The first place two JSON values differ, as a dotted path. */
function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (stableStringify(a) === stableStringify(b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const found = firstDifference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      );
      if (found) return found;
    }
  }
  return path || '(root)';
}

function valueAt(value: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (current, key) =>
        current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined,
      value,
    );
}

/**
 * Resolve the task, config and endpoint, open or create the run folder, and run the engine. All
 * input is checked before the folder is created, so bad input leaves nothing behind. The folder is
 * locked while the job runs, and released however it ends.
 */
export async function runJob(request: JobRequest): Promise<JobResult> {
  const existing = request.resume ? await openForResume(request.out) : undefined;
  try {
    return await runJobIn(request, existing);
  } finally {
    await existing?.close();
  }
}

async function runJobIn(request: JobRequest, existing: RunStore | undefined): Promise<JobResult> {
  const manifest = existing?.manifest;

  const task = request.task
    ? loadTask(request.task, { description: request.description, requirements: request.requirements })
    : manifest?.task;
  if (!task)
    throw new ConfigError({
      path: '--task',
      message:
        'which task? give a built-in name (gsm8k, math, code, tom), generic with --description, or a task JSON file',
    });
  const { config, stageModules: fromConfig } = buildConfig(request, manifest?.config ?? {});
  const dir = request.out ?? join('runs', `${task.name}-seed${config.seed}`);
  checkOutputPath(dir, { flag: '--out', kind: 'folder' });
  const stageModules = fromConfig ?? (manifest?.extra?.stages as StageModules | undefined) ?? {};
  const custom = await loadStageModules(stageModules);
  const modelId = request.model ?? manifest?.model.modelId;
  if (!modelId) throw new ConfigError({ path: '--model', message: 'which model? e.g. --model gpt-4o-mini' });
  const baseURLs = endpointURLs(
    request.baseURLs,
    request.env,
    manifest?.model.baseURL ?? DEFAULT_OPENAI_BASE_URL,
  );
  const apiKey = request.env.OPENAI_API_KEY || undefined;
  const prices = request.pricesFile ? readPriceFile(request.pricesFile) : undefined;
  const chat = await connectEndpoints({ modelId, baseURLs, apiKey, signal: request.signal });
  const baseURL = baseURLs[0]!;

  const parts = fingerprintParts(task, config, modelId, custom.fingerprint);
  const extra = {
    command: request.treeOnly ? 'tree' : 'run',
    stages: stageModules,
    stageFingerprints: custom.fingerprint,
  };
  const fingerprint = sha256(stableStringify(parts));
  let store: RunStore;
  if (existing && manifest) {
    const stored = fingerprintParts(
      manifest.task,
      manifest.config,
      manifest.model.modelId,
      (manifest.extra?.stageFingerprints as Record<string, string> | undefined) ?? {},
    );
    // A run stopped after stage one may choose its stage-two settings (budget, samples per call) now;
    // a later one may still extend its budget.
    const stageOneOnly = manifest.status === 'tree-built';
    const compared = stageOneOnly
      ? STAGE_ONE_PARTS
      : (Object.keys(parts) as (keyof typeof parts)[]).filter((key) => key !== 'maxSamples');
    const where = firstDifference(pick(stored, compared), pick(parts, compared));
    if (where) {
      throw new RunStoreError({
        file: existing.dir,
        message: `cannot resume: ${where} was ${JSON.stringify(valueAt(stored, where)) ?? 'unset'} in this run and is ${JSON.stringify(valueAt(parts, where)) ?? 'unset'} now; drop the flag that changes it, or use a new --out`,
      });
    }
    const budgetProblem = stageOneOnly ? undefined : budgetChangeProblem(stored.maxSamples, parts.maxSamples);
    if (budgetProblem)
      throw new RunStoreError({
        file: existing.dir,
        message: `cannot resume: ${budgetProblem}; for a smaller dataset use a new --out`,
      });
    if (manifest.fingerprint !== fingerprint) await existing.update({ config, fingerprint, extra });
    store = existing;
  } else {
    store = await RunStore.create(dir, {
      fingerprint,
      task,
      config,
      model: { provider: chat.provider, modelId, baseURL: redactUrl(baseURL) },
      ...(request.simulated ? { simulated: true } : {}),
      extra,
    });
  }

  const reporter = createProgressReporter({
    quiet: request.quiet,
    label: request.simulated ? 'treesynth (simulated LLM)' : 'treesynth',
  });
  const prefix = prefixShareMiddleware();
  const model = withCallMiddleware(chat, {
    ...(request.cache ? { cacheDir: store.file('cache') } : {}),
    observers: [prefix],
    requestsPerMinute: request.requestsPerMinute,
    tokensPerMinute: request.tokensPerMinute,
    timeoutMs: request.timeoutMs,
    maxAttempts: request.maxAttempts,
    logger: reporter.logger,
  });
  // A retry loop around `run --resume` must work from the first try: with no run yet, it starts one.
  if (request.resume && !existing)
    reporter.logger.warn(`no run in ${store.dir} yet (run.json is missing): started it`);
  try {
    const summary = await runTreeSynth({
      stages: custom.stages,
      task,
      model,
      config,
      store,
      treeOnly: request.treeOnly,
      signal: request.signal,
      logger: reporter.logger,
      onProgress: reporter.update,
    });
    const result: JobResult = { dir: store.dir, summary };
    const shares = prefix.report().groups;
    if (Object.keys(shares).length > 0) {
      result.prefixShare = Object.fromEntries(
        Object.entries(shares).map(([stage, counts]) => [stage, counts.share]),
      );
    }
    // For a simulated run this is what the same tokens would cost at the model's prices; nothing was paid.
    result.cost = estimateCost(summary.usage, modelId, prices);
    const price = findPrice(modelId, prices);
    if (summary.estimate && price) {
      result.forecastUSD = tokenCost({ ...summary.estimate, cachedPromptTokens: 0 }, price.price);
    }
    await writeUsageFile(store, summary.usage, result);
    return result;
  } finally {
    reporter.stop();
    await store.close();
  }
}

function readPriceFile(file: string): PriceTable {
  return parsePriceFile(readJsonFile(file, 'price file'), file);
}

/** The run in `out`, or nothing when there is none yet (the job then starts it there). */
async function openForResume(out: string | undefined): Promise<RunStore | undefined> {
  if (!out) throw new ConfigError({ path: '--out', message: '--resume needs the run folder: --out DIR' });
  return RunStore.exists(out) ? RunStore.open(out) : undefined;
}
