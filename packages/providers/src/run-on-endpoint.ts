import {
  callLimitsSchema,
  openRun,
  openRunOptionsSchema,
  type RunProgress,
  type RunSummary,
  wrapChatModel,
} from '@treesynth/core';
import { parseOptions, readJsonFile } from '@treesynth/core/internal';
import { z } from 'zod';
import { callStackMiddleware } from './create-model-stack.js';
import { endpointConnector, endpointSourceSchema } from './endpoint-source.js';
import { prefixShareMiddleware } from './middleware/prefix-share.js';
import { type CostEstimate, estimateCost, tokenCost } from './pricing/estimate-cost.js';
import { findPrice, type PriceTable, parsePriceFile } from './pricing/price-table.js';
import { writeUsageFile } from './pricing/usage-file.js';

/** `openRun`'s options, with the model given by where it is served and how its calls are made. */
export const runOnEndpointOptionsSchema = openRunOptionsSchema
  .omit({ model: true, baseURL: true })
  .extend(endpointSourceSchema.shape)
  .extend(callLimitsSchema.shape)
  .extend({
    /** A model of your own instead (then `modelId`, `baseURLs`, `apiKey` and `env` are not read). */
    model: openRunOptionsSchema.shape.model.optional(),
    prices: z
      .union([z.string().min(1), z.record(z.string(), z.unknown())])
      .optional()
      .describe('price file {"<model>": {"prompt", "cachedPrompt", "completion"}} in USD per 1M tokens'),
    cache: z
      .boolean()
      .default(true)
      .describe('keep model answers in <out>/cache, so a resume pays for no call twice'),
    onProgress: z.custom<(progress: RunProgress) => void>((value) => typeof value === 'function').optional(),
  });

export type RunOnEndpointOptions = z.input<typeof runOnEndpointOptionsSchema>;

export interface EndpointRunResult {
  /** The run folder. */
  dir: string;
  summary: RunSummary;
  /** Share of prompt characters repeated from the previous call of the same stage (prefix-cache friendly). */
  prefixShare?: Record<string, number>;
  /** USD by stage and in total at the model's prices (for a simulated run: what it would have cost). */
  cost: CostEstimate;
  /** Stage-two forecast in USD for a tree-only run, when the model has a price. */
  forecastUSD?: number;
}

function readPrices(prices: string | Record<string, unknown> | undefined): PriceTable | undefined {
  if (typeof prices === 'string') return parsePriceFile(readJsonFile(prices, 'price file'), prices);
  return prices ? parsePriceFile(prices) : undefined;
}

/**
 * A TreeSynth run against an OpenAI-compatible endpoint, as `treesynth run` makes it: `openRun` with
 * the endpoint's model (or the resumed run's), its calls through the response cache in the run folder,
 * rate limits and retries, then the cost at the model's prices written to usage.json beside the usage.
 * Everything, the price file included, is checked before the folder is touched.
 *
 * ```ts
 * const { summary, cost } = await runOnEndpoint({ task: 'gsm8k', modelId: 'gpt-4o-mini', out: 'runs/gsm8k' });
 * ```
 */
export async function runOnEndpoint(input: RunOnEndpointOptions): Promise<EndpointRunResult> {
  const name = typeof input.optionName === 'function' ? input.optionName : (option: string) => option;
  const options = parseOptions(runOnEndpointOptionsSchema, input, (path) =>
    /^\w+$/.test(path) ? name(path) : path,
  );
  const { modelId, baseURLs, apiKey, env, model, prices: pricesOption, cache, onProgress, ...rest } = options;
  const { timeoutMs, maxAttempts, requestsPerMinute, tokensPerMinute, ...openOptions } = rest;
  const prices = readPrices(pricesOption);
  const opened = await openRun({
    ...openOptions,
    model: model ?? endpointConnector({ modelId, baseURLs, apiKey, env, signal: options.signal }),
  });
  const prefix = prefixShareMiddleware();
  let summary: RunSummary;
  try {
    const middleware = callStackMiddleware({
      ...(cache ? { cacheDir: opened.store.file('cache') } : {}),
      observers: [prefix],
      requestsPerMinute,
      tokensPerMinute,
      timeoutMs,
      maxAttempts,
      logger: options.logger,
      limitNames: { requestsPerMinute: name('requestsPerMinute'), tokensPerMinute: name('tokensPerMinute') },
    });
    summary = await opened.run({ model: wrapChatModel({ model: opened.model, middleware }), onProgress });
  } finally {
    await opened.close();
  }
  const id = opened.model.modelId;
  const shares = Object.entries(prefix.report().groups);
  const price = findPrice(id, prices);
  const result: EndpointRunResult = {
    dir: opened.store.dir,
    summary,
    ...(shares.length > 0
      ? { prefixShare: Object.fromEntries(shares.map(([stage, counts]) => [stage, counts.share])) }
      : {}),
    cost: estimateCost(summary.usage, id, prices),
  };
  if (summary.estimate && price)
    result.forecastUSD = tokenCost({ ...summary.estimate, cachedPromptTokens: 0 }, price.price);
  await writeUsageFile(opened.store, summary.usage, result);
  return result;
}
