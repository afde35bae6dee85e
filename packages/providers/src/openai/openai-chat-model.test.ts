import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AbortedError, ApiCallError, type ChatCallOptions, ConfigError } from '@treesynth/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRetryAfter } from './map-openai-error.js';
import { createOpenAICompatible, isLoopbackUrl } from './openai-compatible-provider.js';

const SECRET = 'sk-test-SECRET-123456';

interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

type Handler = (request: Received, response: ServerResponse) => void;

let server: Server;
let baseURL: string;
let handler: Handler;
let received: Received[] = [];

function completion(text: string, extra: Record<string, unknown> = {}) {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'served-model-2024',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: {
      prompt_tokens: 120,
      completion_tokens: 30,
      total_tokens: 150,
      prompt_tokens_details: { cached_tokens: 64 },
    },
    ...extra,
  };
}

/** Marks the request of the timeout test, which the server never answers nor records. */
const LEFT_TO_TIME_OUT = 'a request left to time out';

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  // A fresh connection per request: no keep-alive socket outlives its test.
  response.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
  response.end(JSON.stringify(body));
}

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      // A request its client has given up on can reach the server late, under load during the next
      // test: it must not count as that test's request.
      if (text.includes(LEFT_TO_TIME_OUT)) return;
      const entry: Received = {
        url: request.url ?? '',
        headers: request.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      };
      received.push(entry);
      handler(entry, response);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(() => {
  received = [];
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

const call: ChatCallOptions = {
  messages: [
    { role: 'system', content: 'You write math problems.' },
    { role: 'user', content: 'Write one.' },
  ],
  temperature: 0.7,
  topP: 0.9,
  maxTokens: 256,
  seed: 42,
  responseFormat: { type: 'json_schema', name: 'pivots', schema: { type: 'object' }, strict: true },
};

function model(modelId = 'gpt-4o-mini', options = {}) {
  return createOpenAICompatible({ baseURL, apiKey: SECRET }).chat(modelId, options);
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('OpenAIChatModel', () => {
  it('maps the call options to the request body and the response to a result', async () => {
    handler = (_, response) => sendJson(response, 200, completion('{"pivots":[]}'));
    const result = await model().doGenerate(call);

    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(request.body).toMatchObject({
      model: 'gpt-4o-mini',
      messages: call.messages,
      temperature: 0.7,
      top_p: 0.9,
      max_tokens: 256,
      seed: 42,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'pivots', schema: { type: 'object' }, strict: true },
      },
    });
    expect(result).toEqual({
      text: '{"pivots":[]}',
      usage: { promptTokens: 120, completionTokens: 30, cachedPromptTokens: 64 },
      finishReason: 'stop',
      modelId: 'served-model-2024',
    });
  });

  it('omits options the call leaves unset', async () => {
    handler = (_, response) => sendJson(response, 200, completion('hi'));
    await model().doGenerate({ messages: [{ role: 'user', content: 'hi' }] });
    const body = received[0]!.body;
    for (const field of ['temperature', 'top_p', 'max_tokens', 'seed', 'response_format']) {
      expect(body).not.toHaveProperty(field);
    }
  });

  it('turns 429 with Retry-After into a retryable ApiCallError with retryAfterSeconds', async () => {
    handler = (_, response) =>
      sendJson(
        response,
        429,
        { error: { message: 'Rate limit reached', type: 'rate_limit' } },
        { 'retry-after': '7' },
      );
    const error = await failure(model().doGenerate(call));
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterSeconds: 7 });
    expect((error as Error).message).toContain('Rate limit reached');
    expect(received).toHaveLength(1); // the SDK's own retries are off
  });

  it('reads retry-after-ms and HTTP dates', () => {
    const headers = (values: Record<string, string>) => new Headers(values);
    expect(parseRetryAfter(headers({ 'retry-after-ms': '1500' }))).toBe(1.5);
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30);
    expect(parseRetryAfter(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(headers({}))).toBeUndefined();
  });

  it('marks 500 retryable', async () => {
    handler = (_, response) => sendJson(response, 500, { error: { message: 'upstream exploded' } });
    const error = await failure(model().doGenerate(call));
    expect(error).toMatchObject({ statusCode: 500, isRetryable: true });
  });

  it('reads the message of vLLM-style error bodies', async () => {
    handler = (_, response) =>
      sendJson(response, 400, { object: 'error', message: 'max_tokens is too large', code: 400 });
    const error = await failure(model().doGenerate(call));
    expect(error).toMatchObject({ statusCode: 400, isRetryable: false });
    expect((error as Error).message).toContain('max_tokens is too large');
  });

  it('marks 401 not retryable and never shows the key', async () => {
    // A careless server echoes the key it was given.
    handler = (request, response) =>
      sendJson(response, 401, {
        error: { message: `Incorrect API key provided: ${request.headers.authorization}\nsee docs` },
      });
    const chatModel = model();
    const error = await failure(chatModel.doGenerate(call));
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    const message = (error as Error).message;
    expect(message).toContain('Incorrect API key provided');
    expect(message).not.toContain(SECRET);
    expect(message).not.toContain('\n');
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(JSON.stringify(chatModel)).not.toContain(SECRET);
    expect(JSON.stringify({ ...chatModel })).not.toContain(SECRET);
    expect(Object.values(chatModel).map(String).join(' ')).not.toContain(SECRET);
  });

  it('reports a closed port in one line', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');

    const chatModel = createOpenAICompatible({ baseURL: `http://127.0.0.1:${port}/v1`, apiKey: SECRET }).chat(
      'gpt-4o-mini',
    );
    const error = await failure(chatModel.doGenerate(call));
    expect(error).toBeInstanceOf(ApiCallError);
    expect((error as ApiCallError).isRetryable).toBe(true);
    expect((error as Error).message).toBe(`cannot reach http://127.0.0.1:${port}/v1 (ECONNREFUSED)`);
  });

  it('throws AbortedError when the signal fires mid-request', async () => {
    handler = () => {}; // never answers
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user pressed Ctrl-C')), 50);
    const started = performance.now();
    const error = await failure(model().doGenerate({ ...call, signal: controller.signal }));
    expect(error).toBeInstanceOf(AbortedError);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('throws AbortedError at once for an already aborted signal', async () => {
    handler = (_, response) => sendJson(response, 200, completion('x'));
    const error = await failure(model().doGenerate({ ...call, signal: AbortSignal.abort() }));
    expect(error).toBeInstanceOf(AbortedError);
    expect(received).toHaveLength(0);
  });

  it('times out a request as a retryable error', async () => {
    handler = () => {};
    const error = await failure(
      model('gpt-4o-mini', { timeoutMs: 100 }).doGenerate({
        ...call,
        messages: [{ role: 'user', content: LEFT_TO_TIME_OUT }],
      }),
    );
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ isRetryable: true });
    expect((error as Error).message).toContain('timed out after 100 ms');
  });

  it('falls back once to no response_format when the endpoint rejects json_schema, and remembers', async () => {
    handler = (request, response) => {
      if (request.body.response_format) {
        sendJson(response, 400, {
          error: {
            message: "'response_format.type' must be 'json_object' or 'text'",
            type: 'invalid_request',
          },
        });
      } else {
        sendJson(response, 200, completion('Sure! {"pivots": []}'));
      }
    };
    const chatModel = model('local-llama');
    const first = await chatModel.doGenerate(call);
    expect(first.text).toBe('Sure! {"pivots": []}');
    expect(first.warnings?.join(' ')).toMatch(/json_schema/);
    expect(received.map((request) => 'response_format' in request.body)).toEqual([true, false]);
    // The schema travels in the prompt instead, on the last user turn.
    const messages = received[1]!.body.messages as { role: string; content: string }[];
    expect(messages).toHaveLength(2);
    expect(messages[1]!.content).toContain('"pivots"');

    const second = await chatModel.doGenerate(call);
    expect(second.warnings?.length).toBe(1);
    expect(received.map((request) => 'response_format' in request.body)).toEqual([true, false, false]);
    expect(chatModel.jsonSchemaRejected).toBe(true);
    // Another model instance on the same endpoint tries again.
    await model('local-llama').doGenerate(call);
    expect(received).toHaveLength(5);
  });

  it('does not fall back on unrelated 400s', async () => {
    handler = (_, response) => sendJson(response, 400, { error: { message: 'context length exceeded' } });
    const chatModel = model();
    const error = await failure(chatModel.doGenerate(call));
    expect(error).toMatchObject({ statusCode: 400 });
    expect(received).toHaveLength(1);
    expect(chatModel.jsonSchemaRejected).toBe(false);
  });
});

describe('createOpenAICompatible', () => {
  it('requires a key for a remote endpoint, with the variable to set', () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      let error: unknown;
      try {
        createOpenAICompatible({ baseURL: 'https://api.example.com/v1' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).path).toBe('OPENAI_API_KEY');
      expect((error as Error).message).toMatch(/^OPENAI_API_KEY: .*set OPENAI_API_KEY/);
      expect((error as Error).message).not.toContain('\n');
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('runs without a key on loopback, sending a placeholder', async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      handler = (_, response) => sendJson(response, 200, completion('ok'));
      const result = await createOpenAICompatible({ baseURL }).chat('local').doGenerate(call);
      expect(result.text).toBe('ok');
      expect(received[0]!.headers.authorization).toMatch(/^Bearer \S+$/);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });

  it('reads OPENAI_BASE_URL and OPENAI_API_KEY in the factory only', async () => {
    const saved = { key: process.env.OPENAI_API_KEY, url: process.env.OPENAI_BASE_URL };
    process.env.OPENAI_API_KEY = SECRET;
    process.env.OPENAI_BASE_URL = baseURL;
    const chatModel = createOpenAICompatible().chat('gpt-4o');
    process.env.OPENAI_API_KEY = 'changed-later';
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:1/v1';
    try {
      handler = (_, response) => sendJson(response, 200, completion('ok'));
      await chatModel.doGenerate(call);
      expect(received[0]!.headers.authorization).toBe(`Bearer ${SECRET}`);
    } finally {
      for (const [name, value] of [
        ['OPENAI_API_KEY', saved.key],
        ['OPENAI_BASE_URL', saved.url],
      ] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('rejects invalid chat options with the field path', () => {
    const provider = createOpenAICompatible({ baseURL, apiKey: SECRET });
    expect(() => provider.chat('gpt-4o', { timeoutMs: -1 })).toThrow(/chat options\.timeoutMs/);
  });

  it('recognises loopback URLs', () => {
    expect(isLoopbackUrl('http://127.0.0.1:8000/v1')).toBe(true);
    expect(isLoopbackUrl('http://127.5.0.1/v1')).toBe(true);
    expect(isLoopbackUrl('http://localhost:11434/v1')).toBe(true);
    expect(isLoopbackUrl('http://[::1]:8000/v1')).toBe(true);
    expect(isLoopbackUrl('https://api.openai.com/v1')).toBe(false);
    expect(isLoopbackUrl('http://127.example.com/v1')).toBe(false);
  });
});
