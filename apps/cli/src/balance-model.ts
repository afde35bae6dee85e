import { type ChatModel, wrapChatModel } from '@treesynth/core';
import {
  cacheMiddleware,
  checkEndpoint,
  createOpenAICompatible,
  loadBalancedChatModel,
  rateLimitMiddleware,
  retryMiddleware,
} from '@treesynth/providers';

export interface BalanceModelOptions {
  modelId: string;
  baseURLs: string[];
  apiKey?: string;
  /** The response cache folder; none when undefined (`--no-cache`). */
  cacheDir?: string;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  signal: AbortSignal;
}

/**
 * The chat model `balance` routes and synthesizes with: the endpoint(s) behind the same middleware
 * order as `treesynth run` (response cache first, so a rerun pays for nothing it already has; then
 * rate limits; then retries), after checking that every endpoint answers.
 */
export async function createBalanceModel(options: BalanceModelOptions): Promise<ChatModel> {
  const endpoints = options.baseURLs.map((baseURL) =>
    createOpenAICompatible({ baseURL, apiKey: options.apiKey }).chat(options.modelId),
  );
  const chat: ChatModel =
    endpoints.length === 1
      ? endpoints[0]!
      : loadBalancedChatModel({ models: endpoints, endpointNames: options.baseURLs });
  for (const baseURL of options.baseURLs)
    await checkEndpoint({ baseURL, apiKey: options.apiKey, signal: options.signal });
  const rateLimited = options.requestsPerMinute !== undefined || options.tokensPerMinute !== undefined;
  return wrapChatModel({
    model: chat,
    middleware: [
      ...(options.cacheDir ? [cacheMiddleware({ dir: options.cacheDir })] : []),
      ...(rateLimited
        ? [
            rateLimitMiddleware({
              requestsPerMinute: options.requestsPerMinute,
              tokensPerMinute: options.tokensPerMinute,
            }),
          ]
        : []),
      retryMiddleware({ timeoutMs: options.timeoutMs ?? 120_000, maxAttempts: options.maxAttempts ?? 5 }),
    ],
  });
}
