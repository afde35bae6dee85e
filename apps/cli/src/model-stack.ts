import { type ChatModel, ConfigError, wrapChatModel } from '@treesynth/core';
import {
  type CallStackOptions,
  callStackMiddleware,
  connectEndpoints,
  createModelStack,
  type EndpointOptions,
  type ModelStackOptions,
} from '@treesynth/providers';
import { parseBaseUrl } from '@treesynth/providers/internal';

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

export type { EndpointOptions };

/** Rate limits by their flags, in providers' errors and notices raised during calls. */
const LIMIT_FLAGS = { requestsPerMinute: '--rpm', tokensPerMinute: '--tpm' };

// Errors name providers' options (`baseURLs`, `timeoutMs`); the CLI's dispatcher maps them to flags.
export { connectEndpoints };

/** providers' `createModelStack`, its limits named by flag. */
export function modelStack(options: Omit<ModelStackOptions, 'limitNames'>): Promise<ChatModel> {
  return createModelStack({ ...options, limitNames: LIMIT_FLAGS });
}

export type MiddlewareOptions = Omit<CallStackOptions, 'limitNames'>;

/** `chat` in providers' call stack (cache, observers, rate limits, retries), its limits named by flag. */
export function withCallMiddleware(chat: ChatModel, options: MiddlewareOptions): ChatModel {
  return wrapChatModel({
    model: chat,
    middleware: callStackMiddleware({ ...options, limitNames: LIMIT_FLAGS }),
  });
}
