import { AbortedError, type ChatCallOptions, ConfigError, wrapChatModel } from '@treesynth/core';
import { ScriptedChatModel } from '@treesynth/core/test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_COMPLETION_TOKENS,
  estimateCallTokens,
  type RateLimitMiddlewareOptions,
  rateLimitMiddleware,
} from './rate-limit-middleware.js';

function call(callKey: string, extra: Partial<ChatCallOptions> = {}): ChatCallOptions {
  return { messages: [{ role: 'user', content: 'hello' }], callKey, ...extra };
}

function wrap(model: ScriptedChatModel, options: RateLimitMiddlewareOptions) {
  return wrapChatModel({ model, middleware: [rateLimitMiddleware(options)] });
}

/** The call keys in the order the model saw them, with their start times relative to `origin`. */
function starts(model: ScriptedChatModel, origin = 0): [string | undefined, number][] {
  return model.calls.map((entry, index) => [entry.callKey, Math.round(model.startedAt[index]! - origin)]);
}

describe('rateLimitMiddleware: concurrency', () => {
  it('never has more than maxConcurrency calls in flight, and every call completes', async () => {
    let inFlight = 0;
    let peak = 0;
    const model = new ScriptedChatModel({
      reply: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return 'ok';
      },
    });
    const limited = wrap(model, { maxConcurrency: 3 });
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) => limited.doGenerate(call(`c${index}`))),
    );
    expect(results.every((result) => result.text === 'ok')).toBe(true);
    expect(peak).toBe(3);
    expect(model.callCount).toBe(12);
  });

  it('admits waiting calls in arrival order (FIFO)', async () => {
    const model = new ScriptedChatModel({ delayMs: (callNumber) => (callNumber % 2 === 0 ? 6 : 1) });
    const limited = wrap(model, { maxConcurrency: 2 });
    const keys = Array.from({ length: 8 }, (_, index) => `c${index}`);
    await Promise.all(keys.map((key) => limited.doGenerate(call(key))));
    expect(model.calls.map((entry) => entry.callKey)).toEqual(keys);
  });

  it('releases the slot of a call that fails', async () => {
    const model = new ScriptedChatModel({ failures: [new Error('boom')] });
    const limited = wrap(model, { maxConcurrency: 1 });
    await expect(limited.doGenerate(call('a'))).rejects.toThrow('boom');
    await expect(limited.doGenerate(call('b'))).resolves.toMatchObject({ text: 'scripted answer 1' });
  });
});

describe('rateLimitMiddleware: per-minute buckets', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts a full minute of requests at once, then one per 60 000 / rpm ms', async () => {
    const origin = performance.now();
    const model = new ScriptedChatModel();
    const limited = wrap(model, { requestsPerMinute: 60 });
    const done = Promise.all(Array.from({ length: 62 }, (_, index) => limited.doGenerate(call(`c${index}`))));
    await vi.advanceTimersByTimeAsync(0);
    expect(model.callCount).toBe(60);
    await vi.advanceTimersByTimeAsync(999);
    expect(model.callCount).toBe(60);
    await vi.advanceTimersByTimeAsync(1);
    expect(model.callCount).toBe(61);
    await vi.advanceTimersByTimeAsync(1000);
    expect(model.callCount).toBe(62);
    await done;
    expect(starts(model, origin).slice(59)).toEqual([
      ['c59', 0],
      ['c60', 1000],
      ['c61', 2000],
    ]);
  });

  it('charges the estimate up front and corrects it with the reported usage', async () => {
    const origin = performance.now();
    // Each call is estimated at 600 tokens but uses 100: after the first answers, the refund lets the
    // second start at once instead of waiting 12 s for 200 tokens to refill.
    const model = new ScriptedChatModel({
      delayMs: 100,
      reply: () => ({ text: 'ok', usage: { promptTokens: 60, completionTokens: 40 } }),
    });
    const limited = wrap(model, { tokensPerMinute: 1000, estimateTokens: () => 600 });
    const done = Promise.all([limited.doGenerate(call('a')), limited.doGenerate(call('b'))]);
    await vi.advanceTimersByTimeAsync(250);
    expect(starts(model, origin)).toEqual([
      ['a', 0],
      ['b', 100],
    ]);
    await done;
  });

  it('makes later calls pay for a call that used more tokens than estimated', async () => {
    const origin = performance.now();
    const model = new ScriptedChatModel({
      reply: () => ({ text: 'ok', usage: { promptTokens: 1000, completionTokens: 500 } }),
    });
    // Bucket of 1200: the first call uses 1500, leaving a debt of 300; the second (100) waits until
    // 400 tokens have refilled: 400 / (1200 / 60 000) = 20 000 ms.
    const limited = wrap(model, { tokensPerMinute: 1200, estimateTokens: () => 100 });
    await limited.doGenerate(call('a'));
    const second = limited.doGenerate(call('b'));
    await vi.advanceTimersByTimeAsync(19_000);
    expect(model.callCount).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(starts(model, origin)).toEqual([
      ['a', 0],
      ['b', 20_000],
    ]);
    await second;
  });

  it('refunds a cached answer and keeps the estimate when no usage is reported', async () => {
    const origin = performance.now();
    const answers = [
      { text: 'cached', usage: { promptTokens: 500, completionTokens: 500 }, cached: true },
      { text: 'no usage', usage: { promptTokens: 0, completionTokens: 0 } },
      { text: 'third', usage: { promptTokens: 1, completionTokens: 1 } },
    ];
    const model = new ScriptedChatModel({ reply: (_, callNumber) => answers[callNumber]! });
    // Bucket of 600, 500 per call: the cached answer is refunded, so the second starts as soon as it
    // answers; the second's missing usage keeps its 500 charged, so the third waits for 400 tokens:
    // 400 / 0.01 = 40 000 ms.
    const limited = wrap(model, { tokensPerMinute: 600, estimateTokens: () => 500 });
    const done = Promise.all(['a', 'b', 'c'].map((key) => limited.doGenerate(call(key))));
    await vi.advanceTimersByTimeAsync(39_999);
    expect(model.callCount).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(starts(model, origin)).toEqual([
      ['a', 0],
      ['b', 0],
      ['c', 40_000],
    ]);
    await done;
  });

  it('keeps FIFO order: a small call does not overtake a large one waiting for tokens', async () => {
    const origin = performance.now();
    const model = new ScriptedChatModel({
      reply: (options) => ({
        text: 'ok',
        usage: { promptTokens: options.maxTokens ?? 0, completionTokens: 0 },
      }),
    });
    const limited = wrap(model, {
      tokensPerMinute: 1000,
      estimateTokens: (options) => options.maxTokens ?? 0,
    });
    const done = Promise.all([
      limited.doGenerate(call('big-1', { maxTokens: 900 })),
      limited.doGenerate(call('big-2', { maxTokens: 900 })),
      limited.doGenerate(call('small', { maxTokens: 50 })),
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    // small would fit the 100 tokens left at 0 ms but waits behind big-2, which needs 800 more tokens:
    // 800 / (1000 / 60 000) = 48 000 ms; then small waits for its own 50: 3 000 ms more.
    expect(starts(model, origin)).toEqual([
      ['big-1', 0],
      ['big-2', 48_000],
      ['small', 51_000],
    ]);
    await done;
  });

  it('refuses a call estimated above one minute of tokens, naming the limit as the caller does', async () => {
    const model = new ScriptedChatModel();
    const limited = wrap(model, {
      tokensPerMinute: 100,
      estimateTokens: () => 1_000_000,
      names: { tokensPerMinute: '--tpm' },
    });
    const refused = limited.doGenerate(call('huge'));
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(
      /^--tpm: a request of about 1000000 tokens .* 100 tokens per minute/,
    );
    expect(model.calls).toHaveLength(0);
  });

  it('tells onWait once per waiting call, naming the limit that holds it back', async () => {
    const model = new ScriptedChatModel();
    const waits: { limit: string; waitMs: number }[] = [];
    const limited = wrap(model, { requestsPerMinute: 2, onWait: (event) => waits.push(event) });
    const done = Promise.all(['a', 'b', 'c', 'd'].map((key) => limited.doGenerate(call(key))));
    await vi.advanceTimersByTimeAsync(60_000);
    await done;
    // a and b go at once; c waits 30 s for the next request, then d another 30 s.
    expect(waits).toEqual([
      { limit: 'requestsPerMinute', waitMs: 30_000 },
      { limit: 'requestsPerMinute', waitMs: 30_000 },
    ]);
  });
});

describe('rateLimitMiddleware: abort', () => {
  it('rejects a waiting call with AbortedError the moment its signal fires, and lets the next one go', async () => {
    const model = new ScriptedChatModel({ delayMs: 30 });
    const limited = wrap(model, { maxConcurrency: 1 });
    const controller = new AbortController();
    const first = limited.doGenerate(call('first'));
    const waiting = limited.doGenerate(call('aborted', { signal: controller.signal }));
    const last = limited.doGenerate(call('last'));
    const abortedAt = performance.now();
    controller.abort(new Error('user stop'));
    const error = await waiting.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortedError);
    expect(performance.now() - abortedAt).toBeLessThan(20);
    await Promise.all([first, last]);
    expect(model.calls.map((entry) => entry.callKey)).toEqual(['first', 'last']);
  });

  it('rejects at once when the signal has already fired', async () => {
    const model = new ScriptedChatModel();
    const limited = wrap(model, { maxConcurrency: 1 });
    await expect(limited.doGenerate(call('a', { signal: AbortSignal.abort() }))).rejects.toBeInstanceOf(
      AbortedError,
    );
    expect(model.callCount).toBe(0);
  });

  it('frees the head of the line when the call at the head is aborted while waiting for tokens', async () => {
    // Every call uses what it was charged, so the bucket refills at 1000 tokens a minute, no faster.
    const model = new ScriptedChatModel({
      reply: (options) => ({
        text: 'ok',
        usage: { promptTokens: options.maxTokens ?? 0, completionTokens: 0 },
      }),
    });
    const limited = wrap(model, {
      tokensPerMinute: 1000,
      estimateTokens: (options) => options.maxTokens ?? 0,
    });
    await limited.doGenerate(call('drain', { maxTokens: 1000 }));
    const controller = new AbortController();
    const big = limited.doGenerate(call('big', { maxTokens: 1000, signal: controller.signal }));
    const small = limited.doGenerate(call('small', { maxTokens: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(model.callCount).toBe(1);
    controller.abort();
    await expect(big).rejects.toBeInstanceOf(AbortedError);
    // The one token small needs refills in 60 ms; big's would have taken a minute.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(model.calls.map((entry) => entry.callKey)).toEqual(['drain', 'small']);
    await small;
  });
});

describe('rateLimitMiddleware: options', () => {
  it.each([
    [{ maxConcurrency: 0 }, 'rateLimit.maxConcurrency'],
    [{ maxConcurrency: 1.5 }, 'rateLimit.maxConcurrency'],
    [{ requestsPerMinute: 0 }, 'rateLimit.requestsPerMinute'],
    [{ tokensPerMinute: -1 }, 'rateLimit.tokensPerMinute'],
  ])('rejects %o', (options, path) => {
    expect(() => rateLimitMiddleware(options)).toThrow(ConfigError);
    expect(() => rateLimitMiddleware(options)).toThrow(path);
  });

  it('estimates prompt characters / 4 plus maxTokens or the default completion', () => {
    const messages = [{ role: 'user' as const, content: 'x'.repeat(400) }];
    expect(estimateCallTokens({ messages, maxTokens: 50 })).toBe(150);
    expect(estimateCallTokens({ messages })).toBe(100 + DEFAULT_COMPLETION_TOKENS);
    const schema = { type: 'object' };
    expect(
      estimateCallTokens({
        messages,
        maxTokens: 0,
        responseFormat: { type: 'json_schema', name: 's', schema },
      }),
    ).toBe(100 + Math.ceil(JSON.stringify(schema).length / 4));
  });
});
