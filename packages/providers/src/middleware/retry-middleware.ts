import {
  AbortedError,
  ApiCallError,
  type ChatCallOptions,
  type ChatModelMiddleware,
  type ChatResult,
  ConfigError,
  TreeSynthError,
} from '@treesynth/core';
import { sleep, throwIfAborted } from '@treesynth/core/internal';

export interface RetryEvent {
  /** The attempt that failed, from 1. */
  attempt: number;
  maxAttempts: number;
  /** How long the middleware waits before the next attempt. */
  delayMs: number;
  error: ApiCallError;
  callKey: string | undefined;
}

export interface RetryMiddlewareOptions {
  /** Attempts in all, the first included. Default 5. */
  maxAttempts?: number;
  /** Backoff before the second attempt. Default 500 ms. */
  initialDelayMs?: number;
  /** Cap of the exponential backoff. Default 30 s. */
  maxDelayMs?: number;
  /** Growth of the backoff per attempt. Default 2. */
  factor?: number;
  /** Full jitter: wait a uniform random part of the backoff. Default true. */
  jitter?: boolean;
  /** Time one attempt may take; a late attempt is aborted and counts as a retryable timeout. */
  timeoutMs?: number;
  /** The longest server-requested wait (Retry-After) that is honoured in full. Default 120 s. */
  maxRetryAfterMs?: number;
  /** Told before every wait. */
  onRetry?: (event: RetryEvent) => void;
  /** Source of randomness for the jitter (tests). Default `Math.random`. */
  random?: () => number;
}

/** Statuses that are never retried, whatever the error says. */
const NEVER_RETRY = new Set([400, 401, 403, 404, 422]);

/**
 * Bounded retries with exponential backoff and full jitter. Retries only `ApiCallError`s marked
 * retryable; honours Retry-After (at least the server's wait, up to `maxRetryAfterMs`); aborts an attempt
 * after `timeoutMs`; stops at once, with `AbortedError`, when the caller's signal fires. After
 * `maxAttempts` it throws the last error, its message saying how many attempts were made.
 */
export function retryMiddleware(options: RetryMiddlewareOptions = {}): ChatModelMiddleware {
  const settings = {
    maxAttempts: options.maxAttempts ?? 5,
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 30_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? true,
    timeoutMs: options.timeoutMs,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 120_000,
    random: options.random ?? Math.random,
  };
  check(
    'maxAttempts',
    Number.isInteger(settings.maxAttempts) && settings.maxAttempts >= 1,
    'an integer >= 1',
  );
  check('initialDelayMs', settings.initialDelayMs >= 0, 'a number >= 0');
  check('maxDelayMs', settings.maxDelayMs >= 0, 'a number >= 0');
  check('factor', settings.factor >= 1, 'a number >= 1');
  check('maxRetryAfterMs', settings.maxRetryAfterMs >= 0, 'a number >= 0');
  // Node turns a longer timer into 1 ms.
  check(
    'timeoutMs',
    settings.timeoutMs === undefined || (settings.timeoutMs > 0 && settings.timeoutMs <= 2 ** 31 - 1),
    'a number from 1 to 2147483647 (the longest timer Node keeps)',
  );

  return {
    async wrapGenerate({ doGenerate, options: callOptions, model }) {
      const { signal } = callOptions;
      for (let attempt = 1; ; attempt++) {
        throwIfAborted(signal);
        try {
          return await runAttempt(doGenerate, callOptions, settings.timeoutMs, `${model.modelId}`);
        } catch (error) {
          if (signal?.aborted) throw new AbortedError(signal.reason);
          if (!isRetryable(error)) throw error;
          if (attempt >= settings.maxAttempts) throw gaveUp(error, attempt);
          const delayMs = retryDelayMs(attempt, error, settings);
          options.onRetry?.({
            attempt,
            maxAttempts: settings.maxAttempts,
            delayMs,
            error,
            callKey: callOptions.callKey,
          });
          await sleep(delayMs, signal);
        }
      }
    },
  };
}

/**
 * The wait after failed attempt `attempt` (from 1): `min(maxDelay, initial * factor^(attempt-1))`,
 * fully jittered, but never less than the server's Retry-After (itself capped at `maxRetryAfterMs`).
 */
export function retryDelayMs(
  attempt: number,
  error: Pick<ApiCallError, 'retryAfterSeconds'>,
  settings: {
    initialDelayMs: number;
    maxDelayMs: number;
    factor: number;
    jitter: boolean;
    maxRetryAfterMs: number;
    random: () => number;
  },
): number {
  const backoff = Math.min(settings.maxDelayMs, settings.initialDelayMs * settings.factor ** (attempt - 1));
  let delay = settings.jitter ? settings.random() * backoff : backoff;
  const retryAfter = error.retryAfterSeconds;
  if (retryAfter !== undefined && Number.isFinite(retryAfter) && retryAfter > 0) {
    delay = Math.max(delay, Math.min(retryAfter * 1000, settings.maxRetryAfterMs));
  }
  return Math.round(delay);
}

function isApiCallError(error: unknown): error is ApiCallError {
  return error instanceof ApiCallError || (TreeSynthError.isInstance(error) && error.code === 'api');
}

function isRetryable(error: unknown): error is ApiCallError {
  if (!isApiCallError(error) || !error.isRetryable) return false;
  return error.statusCode === undefined || !NEVER_RETRY.has(error.statusCode);
}

function gaveUp(error: ApiCallError, attempts: number): ApiCallError {
  return new ApiCallError({
    message: `${error.message} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'})`,
    statusCode: error.statusCode,
    isRetryable: error.isRetryable,
    url: error.url,
    retryAfterSeconds: error.retryAfterSeconds,
    cause: error,
  });
}

/**
 * One attempt with its own AbortController: the caller's abort and the attempt's timeout both abort it,
 * and both win the race even when the inner call ignores its signal.
 */
async function runAttempt(
  doGenerate: (options: ChatCallOptions) => Promise<ChatResult>,
  options: ChatCallOptions,
  timeoutMs: number | undefined,
  label: string,
): Promise<ChatResult> {
  const callerSignal = options.signal;
  if (timeoutMs === undefined && callerSignal === undefined) return doGenerate(options);

  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  let onCallerAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        const error = timeoutError(label, timeoutMs);
        reject(error);
        controller.abort(error);
      }, timeoutMs);
    }
    if (callerSignal) {
      onCallerAbort = () => {
        reject(new AbortedError(callerSignal.reason));
        controller.abort(callerSignal.reason);
      };
      callerSignal.addEventListener('abort', onCallerAbort, { once: true });
    }
  });
  const attempt = Promise.resolve().then(() => doGenerate({ ...options, signal: controller.signal }));
  // Whichever loses the race must not surface as an unhandled rejection.
  attempt.catch(() => {});
  stopped.catch(() => {});
  try {
    return await Promise.race([attempt, stopped]);
  } catch (error) {
    if (timedOut && !callerSignal?.aborted) throw timeoutError(label, timeoutMs ?? 0);
    throw error;
  } finally {
    clearTimeout(timer);
    if (onCallerAbort) callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

function timeoutError(label: string, timeoutMs: number): ApiCallError {
  return new ApiCallError({ message: `${label}: no answer within ${timeoutMs} ms`, isRetryable: true });
}

function check(field: string, ok: boolean, expected: string): void {
  if (!ok) throw new ConfigError({ path: `retry.${field}`, message: `expected ${expected}` });
}
