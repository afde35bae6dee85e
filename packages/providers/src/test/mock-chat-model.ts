import {
  AbortedError,
  ApiCallError,
  type ChatCallOptions,
  type ChatModel,
  type ChatResult,
  sleep,
} from '@treesynth/core';

export type MockReply = string | ChatResult;

export interface MockChatModelOptions {
  provider?: string;
  modelId?: string;
  /** The answer to a call that does not fail. Default: `mock answer <call number>`. */
  reply?: (options: ChatCallOptions, callNumber: number) => MockReply | Promise<MockReply>;
  /** Errors thrown by the first calls, in order; later calls succeed. */
  failures?: unknown[];
  /** Time each call takes (ms), or a function of the call number; an aborted signal ends the wait. */
  delayMs?: number | ((callNumber: number) => number);
  /** When false, the call ignores its AbortSignal (a stuck server). Default true. */
  honourSignal?: boolean;
}

/** One recorded call: its options and when it started (`performance.now()`). */
export interface MockCall {
  options: ChatCallOptions;
  startedAt: number;
}

/**
 * A chat model for tests that records every call and fails on demand:
 * `new MockChatModel({ failures: [mockApiError({ statusCode: 429 })] })` throws once, then answers.
 */
export class MockChatModel implements ChatModel {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly calls: MockCall[] = [];
  readonly #reply: NonNullable<MockChatModelOptions['reply']>;
  readonly #failures: unknown[];
  readonly #delayMs: MockChatModelOptions['delayMs'];
  readonly #honourSignal: boolean;

  constructor(options: MockChatModelOptions = {}) {
    this.provider = options.provider ?? 'mock';
    this.modelId = options.modelId ?? 'mock-model';
    this.#reply = options.reply ?? ((_, callNumber) => `mock answer ${callNumber}`);
    this.#failures = [...(options.failures ?? [])];
    this.#delayMs = options.delayMs;
    this.#honourSignal = options.honourSignal ?? true;
  }

  /** How many calls were made. */
  get callCount(): number {
    return this.calls.length;
  }

  /** Queue `error` for the next `times` calls (after any already queued). */
  failNext(error: unknown, times = 1): this {
    for (let index = 0; index < times; index++) this.#failures.push(error);
    return this;
  }

  async doGenerate(options: ChatCallOptions): Promise<ChatResult> {
    const callNumber = this.calls.length;
    this.calls.push({ options, startedAt: performance.now() });
    const delay = typeof this.#delayMs === 'function' ? this.#delayMs(callNumber) : (this.#delayMs ?? 0);
    if (delay > 0) await sleep(delay, this.#honourSignal ? options.signal : undefined);
    if (this.#honourSignal && options.signal?.aborted) throw new AbortedError(options.signal.reason);
    if (this.#failures.length > 0) throw this.#failures.shift();
    const reply = await this.#reply(options, callNumber);
    if (typeof reply !== 'string') return reply;
    return {
      text: reply,
      usage: { promptTokens: 10, completionTokens: 5 },
      finishReason: 'stop',
      modelId: this.modelId,
    };
  }
}

/** An `ApiCallError` as a provider would throw it; retryable by status unless said otherwise. */
export function mockApiError(options: {
  statusCode?: number;
  isRetryable?: boolean;
  retryAfterSeconds?: number;
  message?: string;
}): ApiCallError {
  const statusCode = options.statusCode;
  const isRetryable =
    options.isRetryable ??
    (statusCode === undefined || [408, 409, 429].includes(statusCode) || statusCode >= 500);
  return new ApiCallError({
    message: options.message ?? (statusCode === undefined ? 'mock connection error' : `HTTP ${statusCode}`),
    statusCode,
    isRetryable,
    retryAfterSeconds: options.retryAfterSeconds,
  });
}
