import {
  type ChatModel,
  type ChatModelMiddleware,
  ConfigError,
  type Logger,
  redactUrl,
  wrapChatModel,
} from '@treesynth/core';
import {
  cacheMiddleware,
  checkEndpoint,
  createOpenAICompatible,
  loadBalancedChatModel,
  parseBaseUrl,
  rateLimitMiddleware,
  retryMiddleware,
} from '@treesynth/providers';

/**
 * The endpoint(s) a command calls: `--base-url` (repeatable), else `OPENAI_BASE_URL`, else `fallback`
 * (a resumed run's endpoint, or OpenAI). Each is checked here, so a bad one is a one-line error naming
 * the flag or variable before anything is written. A stored endpoint is kept without its credentials,
 * so one with `***` in it must be given again.
 */
export function endpointURLs(
  flags: readonly string[] | undefined,
  env: NodeJS.ProcessEnv,
  fallback: string,
): string[] {
  if (flags && flags.length > 0) {
    for (const url of flags) parseBaseUrl(url, '--base-url');
    return [...flags];
  }
  const fromEnv = env.OPENAI_BASE_URL?.trim();
  if (fromEnv) {
    parseBaseUrl(fromEnv, 'OPENAI_BASE_URL');
    return [fromEnv];
  }
  if (fallback.includes('***'))
    throw new ConfigError({
      path: '--base-url',
      message: `the run keeps its endpoint without credentials (${fallback}); give it again with --base-url or OPENAI_BASE_URL`,
    });
  return [fallback];
}

export interface EndpointOptions {
  modelId: string;
  baseURLs: string[];
  apiKey?: string;
  signal?: AbortSignal;
}

/**
 * The model at its endpoint(s): one OpenAI-compatible client, or a load-balanced set when several
 * base URLs serve the same model. Every endpoint is checked first, so a wrong URL or key fails before
 * anything is written.
 */
export async function connectEndpoints(options: EndpointOptions): Promise<ChatModel> {
  const { modelId, baseURLs, apiKey, signal } = options;
  const endpoints = baseURLs.map((baseURL) => createOpenAICompatible({ baseURL, apiKey }).chat(modelId));
  const chat: ChatModel =
    endpoints.length === 1
      ? endpoints[0]!
      : loadBalancedChatModel({ models: endpoints, endpointNames: baseURLs.map(redactUrl) });
  for (const baseURL of baseURLs) await checkEndpoint({ baseURL, apiKey, signal });
  return chat;
}

export interface MiddlewareOptions {
  /** The response cache folder; none when undefined (`--no-cache`). */
  cacheDir?: string;
  /** Placed after the cache, before rate limits (e.g. the prefix-share meter). */
  observers?: ChatModelMiddleware[];
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  /** Where a rate-limit wait longer than RATE_LIMIT_NOTICE_MS is told. */
  logger?: Logger;
}

/** A wait for a per-minute limit longer than this is told on the logger, so frozen progress has a reason. */
export const RATE_LIMIT_NOTICE_MS = 5_000;

/** The flags that set the rate limits, for messages. */
const RATE_LIMIT_FLAGS = { requestsPerMinute: '--rpm', tokensPerMinute: '--tpm' } as const;

/**
 * The middleware order every command uses: the response cache first, so a rerun pays for nothing it
 * already has; observers; rate limits; then bounded retries with a per-attempt timeout.
 */
export function withCallMiddleware(chat: ChatModel, options: MiddlewareOptions): ChatModel {
  const rateLimited = options.requestsPerMinute !== undefined || options.tokensPerMinute !== undefined;
  return wrapChatModel({
    model: chat,
    middleware: [
      ...(options.cacheDir ? [cacheMiddleware({ dir: options.cacheDir })] : []),
      ...(options.observers ?? []),
      ...(rateLimited
        ? [
            rateLimitMiddleware({
              requestsPerMinute: options.requestsPerMinute,
              tokensPerMinute: options.tokensPerMinute,
              names: RATE_LIMIT_FLAGS,
              onWait: ({ limit, waitMs }) => {
                if (waitMs > RATE_LIMIT_NOTICE_MS)
                  options.logger?.info(
                    `waiting ${Math.ceil(waitMs / 1000)} s for the ${RATE_LIMIT_FLAGS[limit]} limit`,
                  );
              },
            }),
          ]
        : []),
      retryMiddleware({ timeoutMs: options.timeoutMs ?? 120_000, maxAttempts: options.maxAttempts ?? 5 }),
    ],
  });
}
