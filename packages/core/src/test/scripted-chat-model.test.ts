import { describe, expect, it } from 'vitest';
import { AbortedError, ApiCallError } from '../errors/index.js';
import type { ChatCallOptions } from '../spec/chat-model.js';
import { ScriptedChatModel, scriptedApiError } from './scripted-chat-model.js';

const call = (callKey: string, schemaName?: string): ChatCallOptions => ({
  messages: [{ role: 'user', content: callKey }],
  callKey,
  ...(schemaName
    ? { responseFormat: { type: 'json_schema', name: schemaName, schema: {}, strict: true } }
    : {}),
});

describe('ScriptedChatModel', () => {
  it('answers from a reply function, objects as JSON, and records every call by stage', async () => {
    const model = new ScriptedChatModel((options, callNumber) =>
      options.callKey === 'object' ? { n: callNumber } : `text ${callNumber}`,
    );
    expect((await model.doGenerate(call('text', 'leaf'))).text).toBe('text 0');
    expect(await model.doGenerate(call('object', 'pivots'))).toMatchObject({
      text: '{"n":1}',
      usage: { promptTokens: 10, completionTokens: 10 },
      modelId: 'scripted-model',
    });
    expect(model.calls.map((entry) => entry.callKey)).toEqual(['text', 'object']);
    expect(model.callsFor('pivots').map((entry) => entry.callKey)).toEqual(['object']);
    expect(model.startedAt).toHaveLength(2);
    expect(model.callCount).toBe(2);
  });

  it('throws queued failures in order, then answers', async () => {
    const model = new ScriptedChatModel({ failures: [scriptedApiError({ statusCode: 429 })] });
    model.failNext(scriptedApiError({ statusCode: 400 }));
    const first = await model.doGenerate(call('a')).catch((error: unknown) => error);
    const second = await model.doGenerate(call('b')).catch((error: unknown) => error);
    expect([(first as ApiCallError).statusCode, (first as ApiCallError).isRetryable]).toEqual([429, true]);
    expect([(second as ApiCallError).statusCode, (second as ApiCallError).isRetryable]).toEqual([400, false]);
    expect(ApiCallError.isInstance(second)).toBe(true);
    expect((await model.doGenerate(call('c'))).text).toBe('scripted answer 2');
  });

  it('ends a delayed call when its signal aborts, unless told to ignore the signal', async () => {
    const model = new ScriptedChatModel({ delayMs: 60_000 });
    const controller = new AbortController();
    const pending = model.doGenerate({ ...call('slow'), signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);

    const stuck = new ScriptedChatModel({ honourSignal: false });
    const aborted = AbortSignal.abort();
    expect((await stuck.doGenerate({ ...call('stuck'), signal: aborted })).text).toBe('scripted answer 0');
  });
});
