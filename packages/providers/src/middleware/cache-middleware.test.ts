import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatCallOptions, wrapChatModel } from '@treesynth/core';
import { ScriptedChatModel, scriptedApiError } from '@treesynth/core/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAICompatible } from '../openai/openai-compatible-provider.js';
import { cacheMiddleware, responseCacheKey, responseCachePath } from './cache-middleware.js';
import { retryMiddleware } from './retry-middleware.js';

const call: ChatCallOptions = {
  messages: [{ role: 'user', content: 'Write a problem.' }],
  temperature: 0.7,
  seed: 1,
  callKey: 'leaf/a#0',
  responseFormat: { type: 'json_schema', name: 'samples', schema: { type: 'object' }, strict: true },
};

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'treesynth-cache-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

function cached(model: ScriptedChatModel) {
  return wrapChatModel({ model, middleware: [cacheMiddleware({ dir })] });
}

describe('cacheMiddleware', () => {
  it('serves the second identical call from disk with no inner call', async () => {
    const model = new ScriptedChatModel();
    const first = await cached(model).doGenerate(call);
    expect(first.cached).toBeUndefined();
    expect(model.callCount).toBe(1);

    // A fresh middleware (a resumed process) finds the entry on disk.
    const second = await cached(model).doGenerate({
      ...call,
      signal: new AbortController().signal,
      stage: 'x',
    });
    expect(model.callCount).toBe(1);
    expect(second).toEqual({ ...first, cached: true });

    const files = await listFiles(dir);
    const key = responseCacheKey(model, call);
    expect(files).toEqual([responseCachePath(dir, key)]);
    expect(files[0]).toContain(join(dir, key.slice(0, 2), `${key}.json`));
  });

  it('asks again on a refresh and stores the new answer in place of the old one', async () => {
    const model = new ScriptedChatModel();
    const first = await cached(model).doGenerate(call);
    const refreshed = await cached(model).doGenerate({ ...call, refresh: true });
    expect(model.callCount).toBe(2);
    expect(refreshed.cached).toBeUndefined();
    expect(refreshed.text).not.toBe(first.text);
    // The same key: the next plain call gets the refreshed answer.
    const after = await cached(model).doGenerate(call);
    expect(model.callCount).toBe(2);
    expect(after).toEqual({ ...refreshed, cached: true });
  });

  it.each([
    ['callKey', { callKey: 'leaf/a#1' }],
    ['seed', { seed: 2 }],
    ['temperature', { temperature: 1 }],
    ['messages', { messages: [{ role: 'user' as const, content: 'Write another.' }] }],
    ['schema', { responseFormat: { type: 'json_schema' as const, name: 'other', schema: {} } }],
  ])('misses when %s differs', async (_, change) => {
    const model = new ScriptedChatModel();
    await cached(model).doGenerate(call);
    await cached(model).doGenerate({ ...call, ...change });
    expect(model.callCount).toBe(2);
  });

  it('misses for another model id', async () => {
    await cached(new ScriptedChatModel({ modelId: 'a' })).doGenerate(call);
    const other = new ScriptedChatModel({ modelId: 'b' });
    await cached(other).doGenerate(call);
    expect(other.callCount).toBe(1);
  });

  it('treats a corrupt or truncated entry as a miss and repairs it', async () => {
    const model = new ScriptedChatModel();
    await cached(model).doGenerate(call);
    const file = responseCachePath(dir, responseCacheKey(model, call));
    const content = await readFile(file, 'utf8');
    for (const broken of [content.slice(0, content.length / 2), '', '{"version":1}', 'null']) {
      await writeFile(file, broken);
      const result = await cached(model).doGenerate(call);
      expect(result.cached).toBeUndefined();
    }
    expect(model.callCount).toBe(5);
    expect(JSON.parse(await readFile(file, 'utf8')).result.text).toBe('scripted answer 4');
  });

  it('stores only successful results', async () => {
    const model = new ScriptedChatModel({ failures: [scriptedApiError({ statusCode: 500 })] });
    await expect(cached(model).doGenerate(call)).rejects.toThrow('HTTP 500');
    expect(await listFiles(dir)).toEqual([]);
    await cached(model).doGenerate(call);
    await cached(model).doGenerate(call);
    expect(model.callCount).toBe(2);
  });

  it('sits outside retry: a hit makes no attempt, a miss is retried then stored', async () => {
    const model = new ScriptedChatModel({
      failures: [scriptedApiError({ statusCode: 429, retryAfterSeconds: 0.01 })],
    });
    const wrapped = wrapChatModel({
      model,
      middleware: [cacheMiddleware({ dir }), retryMiddleware({ initialDelayMs: 1 })],
    });
    expect((await wrapped.doGenerate(call)).text).toBe('scripted answer 1');
    expect((await wrapped.doGenerate(call)).cached).toBe(true);
    expect(model.callCount).toBe(2);
  });

  it('concurrent identical calls leave one valid file', async () => {
    // Separate middleware instances, as separate processes would be: each writes its own entry.
    // Answers of very different sizes, so torn or interleaved writes would show as invalid JSON.
    const model = new ScriptedChatModel({
      reply: (_, callNumber) => `${callNumber}:${'x'.repeat((16 - callNumber) * 40_000)}`,
    });
    const results = await Promise.all(Array.from({ length: 16 }, () => cached(model).doGenerate(call)));
    expect(model.callCount).toBe(16);
    const files = await listFiles(dir);
    expect(files).toHaveLength(1);
    expect(files[0]!.endsWith('.json')).toBe(true);
    const stored = JSON.parse(await readFile(files[0]!, 'utf8')).result.text as string;
    expect(results.map((result) => result.text)).toContain(stored);
  });

  it('shares one inner call between identical calls in flight at once', async () => {
    const model = new ScriptedChatModel({ delayMs: 20 });
    const wrapped = cached(model);
    const results = await Promise.all(Array.from({ length: 5 }, () => wrapped.doGenerate(call)));
    expect(model.callCount).toBe(1);
    expect(results.filter((result) => result.cached === true)).toHaveLength(4);
    expect(await listFiles(dir)).toHaveLength(1);
  });

  it('writes no API key to disk', async () => {
    const secret = 'sk-test-SECRET-123456';
    const fetch: typeof globalThis.fetch = async () =>
      new Response(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 1,
          model: 'gpt-4o-mini',
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    const model = createOpenAICompatible({
      baseURL: 'https://api.example.com/v1',
      apiKey: secret,
      fetch,
    }).chat('gpt-4o-mini');
    const wrapped = wrapChatModel({ model, middleware: [cacheMiddleware({ dir })] });
    expect((await wrapped.doGenerate(call)).text).toBe('ok');
    const files = await listFiles(dir);
    expect(files).toHaveLength(1);
    for (const file of files) expect(await readFile(file, 'utf8')).not.toContain(secret);
  });
});
