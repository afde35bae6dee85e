import {
  type ChatModel,
  type ChatModelMiddleware,
  type CompletionModel,
  ConfigError,
  callLimitsSchema,
  type Logger,
  wrapChatModel,
} from '@treesynth/core';
import { parseOptions, redactUrl } from '@treesynth/core/internal';
import { z } from 'zod';
import { checkEndpoint } from './check-endpoint.js';
import { cacheMiddleware } from './middleware/cache-middleware.js';
import { loadBalancedChatModel } from './middleware/load-balanced-chat-model.js';
import { type RateLimit, rateLimitMiddleware } from './middleware/rate-limit-middleware.js';
import { retryMiddleware } from './middleware/retry-middleware.js';
import { wrapCompletionModel } from './middleware/wrap-completion-model.js';
import { parseBaseUrl } from './openai/base-url.js';
import { createOpenAICompatible, DEFAULT_OPENAI_BASE_URL } from './openai/openai-compatible-provider.js';

/** A wait for a per-minute limit longer than this is told on the logger, so frozen progress has a reason. */
export const RATE_LIMIT_NOTICE_MS = 5_000;

/** Where the model is: one OpenAI-compatible model served at one or more base URLs. */
export const endpointOptionsSchema = z
  .object({
    modelId: z.string().min(1),
    /** Several base URLs serving the same model are load-balanced. */
    baseURLs: z.array(z.string().min(1)).min(1).default([DEFAULT_OPENAI_BASE_URL]),
    apiKey: z.string().optional(),
    /** Stops the endpoint check. */
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
  })
  .strict();

/** How calls are made: the response cache, observers, rate limits, then retries with a timeout. */
export const callStackOptionsSchema = callLimitsSchema.extend({
  timeoutMs: callLimitsSchema.shape.timeoutMs.default(120_000),
  maxAttempts: callLimitsSchema.shape.maxAttempts.default(5),
  /** The response cache folder; no cache when unset. */
  cacheDir: z.string().min(1).optional(),
  /** Middleware placed after the cache, before rate limits (e.g. `prefixShareMiddleware()`). */
  observers: z
    .array(z.custom<ChatModelMiddleware>((value) => typeof value === 'object' && value !== null))
    .default([]),
  /** Where a rate-limit wait longer than `RATE_LIMIT_NOTICE_MS` is told. */
  logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
  /** How the caller names each rate limit in errors and notices (e.g. `--tpm`); default the option's name. */
  limitNames: z.object({ requestsPerMinute: z.string(), tokensPerMinute: z.string() }).partial().optional(),
});

export const modelStackOptionsSchema = endpointOptionsSchema.extend(callStackOptionsSchema.shape);

export type EndpointOptions = z.input<typeof endpointOptionsSchema>;
export type CallStackOptions = z.input<typeof callStackOptionsSchema>;
export type ModelStackOptions = z.input<typeof modelStackOptionsSchema>;

/**
 * The model at its endpoint(s): one OpenAI-compatible client, or a load-balanced set when several base
 * URLs serve the same model. Every endpoint is checked first (`checkEndpoint`), so a wrong URL or key
 * fails before the caller writes anything.
 */
export async function connectEndpoints(options: EndpointOptions): Promise<ChatModel> {
  const { modelId, baseURLs, apiKey, signal } = parseOptions(endpointOptionsSchema, options);
  for (const baseURL of baseURLs) parseBaseUrl(baseURL, 'baseURLs');
  const endpoints = baseURLs.map((baseURL) => createOpenAICompatible({ baseURL, apiKey }).chat(modelId));
  const chat =
    endpoints.length === 1
      ? endpoints[0]!
      : loadBalancedChatModel({ models: endpoints, endpointNames: baseURLs.map(redactUrl) });
  for (const baseURL of baseURLs) await checkEndpoint({ baseURL, apiKey, signal });
  return chat;
}

/**
 * The middleware every job uses, in order: the response cache first (a rerun pays for nothing it
 * already has), observers, rate limits, then bounded retries with a per-attempt timeout.
 */
export function callStackMiddleware(options: CallStackOptions = {}): ChatModelMiddleware[] {
  const parsed = parseOptions(callStackOptionsSchema, options);
  const { requestsPerMinute, tokensPerMinute, logger } = parsed;
  const name = (limit: RateLimit) => parsed.limitNames?.[limit] ?? limit;
  const rateLimited = requestsPerMinute !== undefined || tokensPerMinute !== undefined;
  return [
    ...(parsed.cacheDir ? [cacheMiddleware({ dir: parsed.cacheDir })] : []),
    ...parsed.observers,
    ...(rateLimited
      ? [
          rateLimitMiddleware({
            requestsPerMinute,
            tokensPerMinute,
            names: { requestsPerMinute: name('requestsPerMinute'), tokensPerMinute: name('tokensPerMinute') },
            onWait: ({ limit, waitMs }) => {
              if (waitMs > RATE_LIMIT_NOTICE_MS)
                logger?.info(`waiting ${Math.ceil(waitMs / 1000)} s for the ${name(limit)} limit`);
            },
          }),
        ]
      : []),
    retryMiddleware({ timeoutMs: parsed.timeoutMs, maxAttempts: parsed.maxAttempts }),
  ];
}

/**
 * The chat model a job calls: the endpoint(s) checked and load-balanced, then the response cache,
 * observers, rate limits and retries. Bad options are a ConfigError naming the option.
 *
 * ```ts
 * const model = await createModelStack({ modelId: 'gpt-4o-mini', apiKey, cacheDir: 'runs/cache' });
 * ```
 */
export async function createModelStack(options: ModelStackOptions): Promise<ChatModel> {
  const { modelId, baseURLs, apiKey, signal, ...calls } = parseOptions(modelStackOptionsSchema, options);
  const middleware = callStackMiddleware(calls);
  const model = await connectEndpoints({ modelId, baseURLs, apiKey, signal });
  return wrapChatModel({ model, middleware });
}

/**
 * The base model a job calls at `/completions`, behind the same call stack as chat models (response
 * cache, observers, rate limits, retries; see `wrapCompletionModel`). The endpoint is checked first.
 * One base URL: completion endpoints are not load-balanced.
 */
export async function createCompletionModelStack(options: ModelStackOptions): Promise<CompletionModel> {
  const { modelId, baseURLs, apiKey, signal, ...calls } = parseOptions(modelStackOptionsSchema, options);
  if (baseURLs.length > 1)
    throw new ConfigError({ path: 'baseURLs', message: 'a completion model is served at one base URL' });
  const baseURL = baseURLs[0]!;
  parseBaseUrl(baseURL, 'baseURLs');
  const model = createOpenAICompatible({ baseURL, apiKey }).completion(modelId);
  await checkEndpoint({ baseURL, apiKey, signal });
  return wrapCompletionModel({ model, middleware: callStackMiddleware(calls) });
}
