import {
  AbortedError,
  ApiCallError,
  type ChatCallOptions,
  ConfigError,
  wrapChatModel,
} from '@treesynth/core';
import { ScriptedChatModel, scriptedApiError } from '@treesynth/core/test';
import { describe, expect, it } from 'vitest';
import { type RetryEvent, retryDelayMs, retryMiddleware } from './retry-middleware.js';

const call: ChatCallOptions = { messages: [{ role: 'user', content: 'hello' }], callKey: 'leaf/1' };

function wrap(model: ScriptedChatModel, options: Parameters<typeof retryMiddleware>[0] = {}) {
  return wrapChatModel({
    model,
    middleware: [retryMiddleware({ initialDelayMs: 1, maxDelayMs: 5, ...options })],
  });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('retryMiddleware', () => {
  it('retries retryable errors until an attempt succeeds', async () => {
    const model = new ScriptedChatModel({
      failures: [scriptedApiError({ statusCode: 500 }), scriptedApiError({})],
    });
    const events: RetryEvent[] = [];
    const result = await wrap(model, { onRetry: (event) => events.push(event) }).doGenerate(call);
    expect(result.text).toBe('scripted answer 2');
    expect(model.callCount).toBe(3);
    expect(events.map((event) => [event.attempt, event.error.statusCode, event.callKey])).toEqual([
      [1, 500, 'leaf/1'],
      [2, undefined, 'leaf/1'],
    ]);
  });

  it('is bounded: after maxAttempts it throws the last error and says how many attempts were made', async () => {
    const model = new ScriptedChatModel().failNext(
      scriptedApiError({ statusCode: 503, message: 'HTTP 503 busy' }),
      100,
    );
    const error = await failure(wrap(model, { maxAttempts: 4 }).doGenerate(call));
    expect(model.callCount).toBe(4);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ statusCode: 503, isRetryable: true });
    expect((error as Error).message).toBe('HTTP 503 busy (gave up after 4 attempts)');
  });

  it.each([400, 401, 403, 404])('never retries %i', async (statusCode) => {
    // Even an error wrongly marked retryable is not retried for these statuses.
    const model = new ScriptedChatModel({ failures: [scriptedApiError({ statusCode, isRetryable: true })] });
    const error = await failure(wrap(model).doGenerate(call));
    expect(model.callCount).toBe(1);
    expect(error).toMatchObject({ statusCode });
  });

  it('does not retry errors that are not ApiCallErrors', async () => {
    const model = new ScriptedChatModel({ failures: [new TypeError('bug')] });
    await expect(wrap(model).doGenerate(call)).rejects.toThrow('bug');
    expect(model.callCount).toBe(1);
  });

  it('waits at least Retry-After on 429, even above maxDelayMs', async () => {
    const model = new ScriptedChatModel({
      failures: [scriptedApiError({ statusCode: 429, retryAfterSeconds: 0.2 })],
    });
    const events: RetryEvent[] = [];
    await wrap(model, { maxDelayMs: 10, onRetry: (event) => events.push(event) }).doGenerate(call);
    expect(events[0]?.delayMs).toBe(200);
    const [first, second] = model.startedAt;
    expect(second! - first!).toBeGreaterThanOrEqual(190);
  });

  it('caps Retry-After at maxRetryAfterMs', () => {
    const settings = {
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      factor: 2,
      jitter: false,
      maxRetryAfterMs: 120_000,
      random: () => 0.5,
    };
    expect(retryDelayMs(1, { retryAfterSeconds: 3600 }, settings)).toBe(120_000);
    expect(retryDelayMs(1, { retryAfterSeconds: undefined }, settings)).toBe(500);
    expect(retryDelayMs(3, { retryAfterSeconds: undefined }, settings)).toBe(2000);
    expect(retryDelayMs(20, { retryAfterSeconds: undefined }, settings)).toBe(30_000);
    // Full jitter: a uniform part of the backoff.
    expect(retryDelayMs(3, { retryAfterSeconds: undefined }, { ...settings, jitter: true })).toBe(1000);
    expect(retryDelayMs(3, { retryAfterSeconds: 5 }, { ...settings, jitter: true })).toBe(5000);
  });

  it('backs off exponentially between attempts', async () => {
    const model = new ScriptedChatModel().failNext(scriptedApiError({ statusCode: 500 }), 3);
    const events: RetryEvent[] = [];
    await wrap(model, {
      initialDelayMs: 20,
      maxDelayMs: 1000,
      jitter: false,
      onRetry: (event) => events.push(event),
    }).doGenerate(call);
    expect(events.map((event) => event.delayMs)).toEqual([20, 40, 80]);
    const gaps = model.startedAt.slice(1).map((started, index) => started - model.startedAt[index]!);
    expect(gaps[2]!).toBeGreaterThanOrEqual(75);
  });

  it('times out a stuck attempt, aborts its signal, and retries', async () => {
    const model = new ScriptedChatModel({ delayMs: (callNumber) => (callNumber === 0 ? 10_000 : 0) });
    const events: RetryEvent[] = [];
    const started = performance.now();
    const result = await wrap(model, { timeoutMs: 50, onRetry: (event) => events.push(event) }).doGenerate(
      call,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.text).toBe('scripted answer 1');
    expect(model.callCount).toBe(2);
    expect(model.calls[0]!.signal?.aborted).toBe(true);
    expect(events[0]?.error.isRetryable).toBe(true);
    expect(events[0]?.error.message).toMatch(/no answer within 50 ms/);
  });

  it('times out even when the inner call ignores its signal', async () => {
    const model = new ScriptedChatModel({ delayMs: 10_000, honourSignal: false });
    const started = performance.now();
    const error = await failure(wrap(model, { timeoutMs: 30, maxAttempts: 2 }).doGenerate(call));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect((error as Error).message).toMatch(/no answer within 30 ms \(gave up after 2 attempts\)/);
  });

  it('stops at once with AbortedError when the caller aborts during a wait', async () => {
    const model = new ScriptedChatModel({
      failures: [scriptedApiError({ statusCode: 429, retryAfterSeconds: 30 })],
    });
    const controller = new AbortController();
    const started = performance.now();
    const pending = wrap(model, { onRetry: () => setTimeout(() => controller.abort(), 20) }).doGenerate({
      ...call,
      signal: controller.signal,
    });
    const error = await failure(pending);
    expect(error).toBeInstanceOf(AbortedError);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(model.callCount).toBe(1);
  });

  it('stops with AbortedError when the caller aborts during an attempt', async () => {
    const model = new ScriptedChatModel({ delayMs: 10_000, honourSignal: false });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await failure(
      wrap(model, { timeoutMs: 5_000 }).doGenerate({ ...call, signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(AbortedError);
    expect(model.callCount).toBe(1);
  });

  it('rejects invalid settings', () => {
    expect(() => retryMiddleware({ maxAttempts: 0 })).toThrow(ConfigError);
  });
});
