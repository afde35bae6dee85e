import { AbortedError, ApiCallError } from '../errors/index.js';
import type { ChatCallOptions, ChatModel, ChatResult } from '../spec/chat-model.js';
import { sleep } from '../util/sleep.js';

export type ScriptedReply = string | ChatResult;

/** Decides each answer; an object that is not a `ChatResult` is sent as JSON text. Throwing fails the call. */
export type ScriptedReplyFunction = (
  options: ChatCallOptions,
  callNumber: number,
) => ScriptedReply | object | Promise<ScriptedReply | object>;

export interface ScriptedChatModelOptions {
  provider?: string;
  modelId?: string;
  /** The answer to a call that does not fail. Default: `scripted answer <call number>`. */
  reply?: ScriptedReplyFunction;
  /** Errors thrown by the first calls, in order; later calls succeed. */
  failures?: unknown[];
  /** Time each call takes (ms), or a function of the call number; an aborted signal ends the wait. */
  delayMs?: number | ((callNumber: number) => number);
  /** When false, the call ignores its AbortSignal (a stuck server). Default true. */
  honourSignal?: boolean;
}

/**
 * The one chat model double for tests: it records every call and fails on demand.
 * `new ScriptedChatModel((options) => ({ samples: [] }))` answers from a function;
 * `new ScriptedChatModel({ failures: [scriptedApiError({ statusCode: 429 })] })` throws once, then answers.
 * A string answer comes back with usage 10/10 and finish reason `stop`.
 */
export class ScriptedChatModel implements ChatModel {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  /** Every call's options, in the order the calls started. */
  readonly calls: ChatCallOptions[] = [];
  /** When each call started (`performance.now()`), by call number. */
  readonly startedAt: number[] = [];
  readonly #reply: ScriptedReplyFunction;
  readonly #failures: unknown[];
  readonly #delayMs: ScriptedChatModelOptions['delayMs'];
  readonly #honourSignal: boolean;

  constructor(script: ScriptedReplyFunction | ScriptedChatModelOptions = {}, modelId?: string) {
    const options = typeof script === 'function' ? { reply: script } : script;
    this.provider = options.provider ?? 'scripted';
    this.modelId = modelId ?? options.modelId ?? 'scripted-model';
    this.#reply = options.reply ?? ((_, callNumber) => `scripted answer ${callNumber}`);
    this.#failures = [...(options.failures ?? [])];
    this.#delayMs = options.delayMs;
    this.#honourSignal = options.honourSignal ?? true;
  }

  /** How many calls were made. */
  get callCount(): number {
    return this.calls.length;
  }

  /** The calls of one stage (by the schema name of their response format). */
  callsFor(schemaName: string): ChatCallOptions[] {
    return this.calls.filter((call) => call.responseFormat?.name === schemaName);
  }

  /** Queue `error` for the next `times` calls (after any already queued). */
  failNext(error: unknown, times = 1): this {
    for (let index = 0; index < times; index++) this.#failures.push(error);
    return this;
  }

  async doGenerate(options: ChatCallOptions): Promise<ChatResult> {
    const callNumber = this.calls.length;
    this.calls.push(options);
    this.startedAt.push(performance.now());
    const delay = typeof this.#delayMs === 'function' ? this.#delayMs(callNumber) : (this.#delayMs ?? 0);
    if (delay > 0) await sleep(delay, this.#honourSignal ? options.signal : undefined);
    if (this.#honourSignal && options.signal?.aborted) throw new AbortedError(options.signal.reason);
    if (this.#failures.length > 0) throw this.#failures.shift();
    const answer = await this.#reply(options, callNumber);
    if (typeof answer !== 'string' && isChatResult(answer)) return answer;
    return {
      text: typeof answer === 'string' ? answer : JSON.stringify(answer),
      usage: { promptTokens: 10, completionTokens: 10 },
      finishReason: 'stop',
      modelId: this.modelId,
    };
  }
}

function isChatResult(value: object): value is ChatResult {
  return 'text' in value && 'usage' in value && typeof (value as ChatResult).text === 'string';
}

/** An `ApiCallError` as a provider would throw it; retryable by status unless said otherwise. */
export function scriptedApiError(options: {
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
    message:
      options.message ?? (statusCode === undefined ? 'scripted connection error' : `HTTP ${statusCode}`),
    statusCode,
    isRetryable,
    retryAfterSeconds: options.retryAfterSeconds,
  });
}
