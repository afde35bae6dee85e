import { type ChatModel, ConfigError, wrapChatModel } from '@treesynth/core';
import {
  type CallStackOptions,
  callStackMiddleware,
  connectEndpoints as connectModelEndpoints,
  createModelStack,
  type EndpointOptions,
  type ModelStackOptions,
  parseBaseUrl,
} from '@treesynth/providers';
import { withFlags } from './option-flags.js';

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

/** The options named in the model stack's errors, mapped to their flags when printed. */
const STACK_OPTIONS = new Set([
  'modelId',
  'baseURLs',
  'timeoutMs',
  'maxAttempts',
  'requestsPerMinute',
  'tokensPerMinute',
]);

/** providers' `connectEndpoints`, with its errors naming flags. */
export async function connectEndpoints(options: EndpointOptions): Promise<ChatModel> {
  try {
    return await connectModelEndpoints(options);
  } catch (error) {
    throw withFlags(error, STACK_OPTIONS);
  }
}

/** Rate limits by their flags, in providers' errors and notices. */
const LIMIT_FLAGS = { requestsPerMinute: '--rpm', tokensPerMinute: '--tpm' };

/** providers' `createModelStack`, with its errors naming flags. */
export async function modelStack(options: Omit<ModelStackOptions, 'limitNames'>): Promise<ChatModel> {
  try {
    return await createModelStack({ ...options, limitNames: LIMIT_FLAGS });
  } catch (error) {
    throw withFlags(error, STACK_OPTIONS);
  }
}

export type MiddlewareOptions = Omit<CallStackOptions, 'limitNames'>;

/** `chat` in providers' call stack (cache, observers, rate limits, retries), its limits named by flag. */
export function withCallMiddleware(chat: ChatModel, options: MiddlewareOptions): ChatModel {
  try {
    const middleware = callStackMiddleware({
      ...options,
      limitNames: LIMIT_FLAGS,
    });
    return wrapChatModel({ model: chat, middleware });
  } catch (error) {
    throw withFlags(error, STACK_OPTIONS);
  }
}
