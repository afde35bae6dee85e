import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrapChatModel } from '@treesynth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenAICompatible } from '../openai/openai-compatible-provider.js';
import { cacheMiddleware } from './cache-middleware.js';
import { retryMiddleware } from './retry-middleware.js';
import { wrapCompletionModel } from './wrap-completion-model.js';

/** A loopback endpoint that answers /completions and /chat/completions and keeps every body. */
describe('a completion model through the chat call stack', () => {
  const bodies: { path: string; body: Record<string, unknown> }[] = [];
  let failuresLeft = 0;
  let url = '';
  const server = createServer(async (request, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    bodies.push({ path: request.url ?? '', body: JSON.parse(text) });
    if (failuresLeft-- > 0) {
      response.writeHead(503, { 'content-type': 'application/json' });
      return response.end('{"error":{"message":"busy"}}');
    }
    const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };
    const reply = request.url?.endsWith('/chat/completions')
      ? { model: 'm', choices: [{ message: { content: 'chat answer' }, finish_reason: 'stop' }], usage }
      : { model: 'm', choices: [{ text: ' 42', finish_reason: 'stop' }], usage };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply));
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends prompt and stop, retries, and caches apart from chat calls', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'completion-cache-'));
    const provider = createOpenAICompatible({ baseURL: url });
    const middleware = [cacheMiddleware({ dir }), retryMiddleware({ maxAttempts: 3, initialDelayMs: 1 })];
    const model = wrapCompletionModel({ model: provider.completion('m'), middleware });
    failuresLeft = 1;
    const call = { prompt: 'Question: 6*7?\nAnswer:', stop: ['\nQuestion:'], temperature: 0, seed: 2 };
    const first = await model.doComplete(call);
    expect(first).toMatchObject({ text: ' 42', finishReason: 'stop', usage: { promptTokens: 3 } });
    expect(bodies).toHaveLength(2); // a 503, then the answer
    expect(bodies[1]).toEqual({
      path: '/v1/completions',
      body: { model: 'm', prompt: call.prompt, stop: call.stop, temperature: 0, seed: 2, stream: false },
    });
    expect(await model.doComplete(call)).toMatchObject({ text: ' 42', cached: true });
    expect(bodies).toHaveLength(2);
    // Another stop sequence is another call; so is a chat call whose message is the same text.
    await model.doComplete({ ...call, stop: ['\n\n'] });
    const chat = wrapChatModel({ model: provider.chat('m'), middleware });
    const chatResult = await chat.doGenerate({
      messages: [{ role: 'user', content: call.prompt }],
      temperature: 0,
      seed: 2,
      stop: call.stop,
    });
    expect(chatResult).toMatchObject({ text: 'chat answer' });
    expect(chatResult.cached).toBeUndefined();
    expect(bodies.map((entry) => entry.path)).toEqual([
      '/v1/completions',
      '/v1/completions',
      '/v1/completions',
      '/v1/chat/completions',
    ]);
    expect(bodies[3]!.body.stop).toEqual(call.stop);
  });
});
