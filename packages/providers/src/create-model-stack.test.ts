import { once } from 'node:events';
import { mkdtempSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiCallError, type ChatCallOptions, ConfigError } from '@treesynth/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModelStack } from './create-model-stack.js';

const KEY = 'sk-test-STACK-SECRET-42';

/** One loopback OpenAI-compatible endpoint: records every request; `failNext` answers 503 that often. */
interface Endpoint {
  url: string;
  requests: string[];
  failNext: number;
  server: Server;
}

async function startEndpoint(name: string): Promise<Endpoint> {
  const endpoint = { url: '', requests: [] as string[], failNext: 0 } as Endpoint;
  endpoint.server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const path = `${request.method} ${request.url}`;
      endpoint.requests.push(path);
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
        response.end(JSON.stringify(body));
      };
      if (request.headers.authorization !== `Bearer ${KEY}`)
        return json(401, { error: { message: 'bad key' } });
      if (request.url?.endsWith('/models'))
        return json(200, { object: 'list', data: [{ id: 'stack-model' }] });
      if (endpoint.failNext > 0) {
        endpoint.failNext--;
        return json(503, { error: { message: 'overloaded' } });
      }
      json(200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1,
        model: 'stack-model',
        choices: [
          { index: 0, message: { role: 'assistant', content: `from ${name}` }, finish_reason: 'stop' },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
      });
    });
  });
  endpoint.server.listen(0, '127.0.0.1');
  await once(endpoint.server, 'listening');
  endpoint.url = `http://127.0.0.1:${(endpoint.server.address() as AddressInfo).port}/v1`;
  return endpoint;
}

const chatCalls = (endpoint: Endpoint) =>
  endpoint.requests.filter((path) => path.endsWith('/chat/completions'));

function call(text: string): ChatCallOptions {
  return { messages: [{ role: 'user', content: text }], maxTokens: 50, callKey: text };
}

let first: Endpoint;
let second: Endpoint;
beforeAll(async () => {
  [first, second] = await Promise.all([startEndpoint('first'), startEndpoint('second')]);
});
afterAll(() => {
  for (const endpoint of [first, second]) {
    endpoint.server.closeAllConnections();
    endpoint.server.close();
  }
});

describe('createModelStack', () => {
  it('checks every endpoint, spreads calls over them, and answers a repeated call from the cache', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'treesynth-model-stack-'));
    const model = await createModelStack({
      modelId: 'stack-model',
      baseURLs: [first.url, second.url],
      apiKey: KEY,
      cacheDir,
    });
    expect(first.requests).toContain('GET /v1/models');
    expect(second.requests).toContain('GET /v1/models');
    const texts = await Promise.all(
      ['a', 'b', 'c', 'd'].map(async (text) => (await model.doGenerate(call(text))).text),
    );
    expect(new Set(texts)).toEqual(new Set(['from first', 'from second']));
    expect(chatCalls(first).length + chatCalls(second).length).toBe(4);
    expect(readdirSync(cacheDir).length).toBeGreaterThan(0);

    const again = await model.doGenerate(call('a'));
    expect(again.text).toBe(texts[0]);
    expect(again.cached).toBe(true);
    expect(chatCalls(first).length + chatCalls(second).length).toBe(4);
  });

  it('retries a failed call up to maxAttempts', async () => {
    /** One call against an endpoint that fails once: its answer (or error) and the requests it made. */
    const failOnce = async (maxAttempts: number) => {
      const model = await createModelStack({
        modelId: 'stack-model',
        baseURLs: [first.url],
        apiKey: KEY,
        maxAttempts,
      });
      first.failNext = 1;
      const before = chatCalls(first).length;
      const outcome = await model
        .doGenerate(call(`attempts ${maxAttempts}`))
        .catch((caught: unknown) => caught);
      return { outcome, requests: chatCalls(first).length - before };
    };
    const retried = await failOnce(2);
    expect(retried).toMatchObject({ outcome: { text: 'from first' }, requests: 2 });
    const single = await failOnce(1);
    expect(single.requests).toBe(1);
    expect(ApiCallError.isInstance(single.outcome)).toBe(true);
    expect((single.outcome as ApiCallError).statusCode).toBe(503);
  });

  it('refuses a rejected key before any call, without the key in the message', async () => {
    const before = first.requests.length;
    const error = await createModelStack({
      modelId: 'stack-model',
      baseURLs: [first.url],
      apiKey: 'sk-wrong-KEY-7',
    }).catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as Error).message).not.toContain('KEY-7');
    expect(first.requests.slice(before)).toEqual(['GET /v1/models']);
  });

  it('names the option in a bad-option error', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ baseURLs: ['ftp://example.test/v1'] }, 'baseURLs', /expected an http\(s\) URL/],
      [{ baseURLs: [] }, 'baseURLs', /./],
      [{ modelId: '' }, 'modelId', /./],
      [{ timeoutMs: 0 }, 'timeoutMs', /./],
      [{ tokensPerMinute: 10 }, 'tokensPerMinute', /./],
      [{ retries: 3 }, '', /retries/],
    ];
    for (const [change, path, message] of cases) {
      const error = await createModelStack({
        modelId: 'stack-model',
        baseURLs: [first.url],
        apiKey: KEY,
        ...change,
      } as never).catch((caught: unknown) => caught);
      expect(ConfigError.isInstance(error), JSON.stringify(change)).toBe(true);
      expect((error as ConfigError).path).toBe(path);
      expect((error as Error).message).toMatch(message);
    }
  });

  it('refuses a call larger than a minute of tokens, naming the limit as the caller calls it', async () => {
    const options = { modelId: 'stack-model', baseURLs: [first.url], apiKey: KEY, tokensPerMinute: 1_000 };
    const big = { ...call('big'), maxTokens: 5_000 };
    const plain = await (await createModelStack(options)).doGenerate(big).catch((caught: unknown) => caught);
    expect((plain as ConfigError).path).toBe('tokensPerMinute');
    const named = await createModelStack({ ...options, limitNames: { tokensPerMinute: '--tpm' } });
    expect(((await named.doGenerate(big).catch((caught: unknown) => caught)) as ConfigError).path).toBe(
      '--tpm',
    );
  });
});
