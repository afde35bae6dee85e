import {
  ConfigError,
  createProgressReporter,
  openRun,
  type ProgressReporter,
  type RunSummary,
} from '@treesynth/core';
import { readJsonFile } from '@treesynth/core/internal';
import {
  type CostEstimate,
  DEFAULT_OPENAI_BASE_URL,
  estimateCost,
  findPrice,
  type PriceTable,
  parsePriceFile,
  prefixShareMiddleware,
  tokenCost,
  writeUsageFile,
} from '@treesynth/providers';
import { connectEndpoints, endpointURLs, withCallMiddleware } from './model-stack.js';
import { flagForOption } from './option-flags.js';

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

/**
 * Map the flags to `openRun`'s options (the model stack built from the endpoint flags, or the run's
 * stored endpoint on resume), run it, and add what the CLI reports: cost, forecast, prefix share.
 */
export async function runJob(request: JobRequest): Promise<JobResult> {
  const reporter = createProgressReporter({
    quiet: request.quiet,
    label: request.simulated ? 'treesynth (simulated LLM)' : 'treesynth',
    debug: Boolean(process.env.TREESYNTH_DEBUG),
  });
  try {
    return await runJobWith(request, reporter);
  } finally {
    reporter.stop();
  }
}

async function runJobWith(request: JobRequest, reporter: ProgressReporter): Promise<JobResult> {
  const prices = request.pricesFile ? readPriceFile(request.pricesFile) : undefined;
  const { depth, pivots, samplesPerCall, concurrency, maxSamples, seed } = request.overrides;
  const opened = await openRun({
    out: request.out,
    resume: request.resume,
    task: request.task,
    description: request.description,
    requirements: request.requirements,
    configFile: request.configFile,
    config: {
      tree: { ...(depth !== undefined ? { depth } : {}), ...(pivots !== undefined ? { pivots } : {}) },
      synthesis: samplesPerCall !== undefined ? { samplesPerCall } : {},
      ...(concurrency !== undefined ? { concurrency } : {}),
      ...(maxSamples !== undefined ? { maxSamples } : {}),
      ...(seed !== undefined ? { seed } : {}),
    },
    model: async (stored) => {
      const modelId = request.model ?? stored?.modelId;
      if (!modelId)
        throw new ConfigError({ path: '--model', message: 'which model? e.g. --model gpt-4o-mini' });
      const baseURLs = endpointURLs(
        request.baseURLs,
        request.env,
        stored?.baseURL ?? DEFAULT_OPENAI_BASE_URL,
      );
      const apiKey = request.env.OPENAI_API_KEY || undefined;
      const model = await connectEndpoints({ modelId, baseURLs, apiKey, signal: request.signal });
      return { model, baseURL: baseURLs[0] };
    },
    treeOnly: request.treeOnly,
    simulated: request.simulated,
    signal: request.signal,
    logger: reporter.logger,
    optionName: flagForOption,
  });
  const prefix = prefixShareMiddleware();
  const model = withCallMiddleware(opened.model, {
    ...(request.cache ? { cacheDir: opened.store.file('cache') } : {}),
    observers: [prefix],
    requestsPerMinute: request.requestsPerMinute,
    tokensPerMinute: request.tokensPerMinute,
    timeoutMs: request.timeoutMs,
    maxAttempts: request.maxAttempts,
    logger: reporter.logger,
  });
  const { store } = opened;
  const summary = await opened.run({ model, onProgress: reporter.update });
  const modelId = opened.model.modelId;
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
}

function readPriceFile(file: string): PriceTable {
  return parsePriceFile(readJsonFile(file, 'price file'), file);
}
