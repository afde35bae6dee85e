import { AbortedError, type ChatCallOptions, type ChatModelMiddleware, ConfigError } from '@treesynth/core';
import { estimateTokens, throwIfAborted } from '@treesynth/core/internal';
import { TokenBucket } from './token-bucket.js';

export interface RateLimitMiddlewareOptions {
  /** Calls in flight at once, across everything that shares this middleware. */
  maxConcurrency?: number;
  /** Calls started per minute (a token bucket holding one minute's worth, refilled continuously). */
  requestsPerMinute?: number;
  /**
   * Prompt plus completion tokens per minute. Each call is charged its estimate when it starts, and
   * the difference to its reported usage when it ends.
   */
  tokensPerMinute?: number;
  /** The up-front token charge of a call. Default `estimateCallTokens`. */
  estimateTokens?: (options: ChatCallOptions) => number;
  /** Told each time the call at the head of the queue starts waiting for a per-minute limit. */
  onWait?: (event: RateLimitWait) => void;
  /** How the caller names each limit in errors (e.g. `--tpm`); default the option's name. */
  names?: Partial<Record<RateLimit, string>>;
}

export type RateLimit = 'requestsPerMinute' | 'tokensPerMinute';

export interface RateLimitWait {
  /** The limit that holds the call back longest. */
  limit: RateLimit;
  waitMs: number;
}

/** Completion tokens assumed for a call that sets no `maxTokens`. */
export const DEFAULT_COMPLETION_TOKENS = 1_000;

/**
 * An upper-end guess of a call's tokens, with no tokenizer: core's `estimateTokens` of the prompt (the
 * messages and a JSON schema, which endpoints add to the prompt), plus `maxTokens`, else
 * `DEFAULT_COMPLETION_TOKENS`.
 */
export function estimateCallTokens(options: ChatCallOptions): number {
  let characters = 0;
  for (const message of options.messages) characters += message.content.length;
  if (options.responseFormat) characters += JSON.stringify(options.responseFormat.schema).length;
  return estimateTokens(characters) + (options.maxTokens ?? DEFAULT_COMPLETION_TOKENS);
}

interface Waiter {
  tokens: number;
  admit: () => void;
}

/**
 * A global concurrency limit plus requests- and tokens-per-minute buckets. Calls wait in one FIFO
 * queue: the first in line goes first even when a later, smaller call would fit the token bucket, so
 * no call starves. A call whose signal fires while it waits leaves the queue with `AbortedError`.
 * Tokens are charged from `estimateTokens` when a call starts (a call estimated above one minute's
 * budget could never start, so it fails at once with a ConfigError) and corrected with the reported usage when it answers; a cached answer
 * is refunded. Place it inside the cache and outside retry, so cache hits cost nothing and a call
 * that waited in the queue does not count the wait against retry's per-attempt timeout:
 * `wrapChatModel({ model, middleware: [cacheMiddleware({ dir }), rateLimitMiddleware({ ... }), retryMiddleware()] })`.
 * Retried attempts of an admitted call are then not charged again.
 */
export function rateLimitMiddleware(options: RateLimitMiddlewareOptions = {}): ChatModelMiddleware {
  const { maxConcurrency, requestsPerMinute, tokensPerMinute } = options;
  check(
    'maxConcurrency',
    maxConcurrency === undefined || (Number.isInteger(maxConcurrency) && maxConcurrency >= 1),
    'an integer >= 1',
  );
  check('requestsPerMinute', requestsPerMinute === undefined || requestsPerMinute > 0, 'a number > 0');
  check('tokensPerMinute', tokensPerMinute === undefined || tokensPerMinute > 0, 'a number > 0');
  const estimate = options.estimateTokens ?? estimateCallTokens;

  const now = () => performance.now();
  const requests = requestsPerMinute === undefined ? undefined : new TokenBucket(requestsPerMinute, now());
  const tokens = tokensPerMinute === undefined ? undefined : new TokenBucket(tokensPerMinute, now());
  const queue: Waiter[] = [];
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  /** The waiter `onWait` was last told about, so one wait is told once. */
  let noticed: Waiter | undefined;

  /** Admit calls from the head of the queue while every limit allows; else wait for a release or refill. */
  const pump = (): void => {
    clearTimeout(timer);
    timer = undefined;
    while (queue.length > 0) {
      if (maxConcurrency !== undefined && inFlight >= maxConcurrency) return;
      const head = queue[0]!;
      const time = now();
      const requestWaitMs = requests?.waitMs(1, time) ?? 0;
      const tokenWaitMs = tokens?.waitMs(head.tokens, time) ?? 0;
      const waitMs = Math.max(requestWaitMs, tokenWaitMs);
      if (waitMs > 0) {
        if (noticed !== head) {
          noticed = head;
          options.onWait?.({
            limit: requestWaitMs >= tokenWaitMs ? 'requestsPerMinute' : 'tokensPerMinute',
            waitMs,
          });
        }
        timer = setTimeout(pump, Math.max(1, Math.ceil(waitMs)));
        return;
      }
      requests?.take(1, time);
      tokens?.take(head.tokens, time);
      inFlight++;
      queue.shift();
      head.admit();
    }
  };

  const acquire = (charge: number, signal: AbortSignal | undefined): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(new AbortedError(signal?.reason));
        // The call behind it may go now.
        if (index === 0) pump();
      };
      const waiter: Waiter = {
        tokens: charge,
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (queue.length === 1) pump();
    });

  return {
    async wrapGenerate({ doGenerate, options: callOptions }) {
      throwIfAborted(callOptions.signal);
      const charge = tokens ? Math.max(0, estimate(callOptions)) : 0;
      if (tokens && charge > tokens.capacity) {
        // It would wait for ever: a bucket never holds more than one minute of tokens.
        throw new ConfigError({
          path: options.names?.tokensPerMinute ?? 'tokensPerMinute',
          message: `a request of about ${charge} tokens (prompt plus expected answer) cannot fit in ${tokensPerMinute} tokens per minute; raise the limit`,
        });
      }
      await acquire(charge, callOptions.signal);
      try {
        const result = await doGenerate(callOptions);
        if (tokens) {
          const used = result.cached ? 0 : result.usage.promptTokens + result.usage.completionTokens;
          // An endpoint that reports no usage keeps the estimate.
          if (result.cached || used > 0) tokens.give(charge - used, now());
        }
        return result;
      } finally {
        inFlight--;
        pump();
      }
    },
  };
}

function check(field: string, ok: boolean, expected: string): void {
  if (!ok) throw new ConfigError({ path: `rateLimit.${field}`, message: `expected ${expected}` });
}
