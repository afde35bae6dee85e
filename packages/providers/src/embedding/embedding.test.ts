import { appendFileSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiCallError, ConfigError, type Embedder, wrapEmbedder } from '@treesynth/core';
import { cosine, PARAPHRASE_PROBE } from '@treesynth/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpenAICompatible } from '../openai/openai-compatible-provider.js';
import { createEmbedder } from './create-embedder.js';
import { embedMany } from './embed-many.js';
import { embeddingCacheMiddleware } from './embedding-cache-middleware.js';
import { createHashingEmbedder } from './hashing-embedder.js';

const { question, paraphrase, unrelated } = PARAPHRASE_PROBE;

describe('hashing embedder', () => {
  it('is deterministic, unit length, and puts a paraphrase nearer than an unrelated text', async () => {
    const embedder = createHashingEmbedder({ dimensions: 512 });
    const [a, b, c] = (await embedder.doEmbed({ values: [question, paraphrase, unrelated] })).embeddings;
    const [again] = (await embedder.doEmbed({ values: [question] })).embeddings;
    expect(a).toHaveLength(512);
    expect(Array.from(again!)).toEqual(Array.from(a!));
    expect(cosine(a!, a!)).toBeCloseTo(1, 5);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.2);
  });
});

describe('openai embedder', () => {
  let server: Server;
  const seen: unknown[] = [];
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the batch, keeps the order by index, and scrubs the key from errors', async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        const parsed = JSON.parse(body) as { input: string[]; model: string };
        seen.push(parsed);
        if (parsed.model === 'forbidden') {
          response.writeHead(401, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: 'bad key sk-test-EMBED-SECRET-99' } }));
          return;
        }
        // Answer in reverse order: the embedder must sort by index.
        const data = parsed.input
          .map((text, index) => ({ object: 'embedding', index, embedding: [text.length, index, 1] }))
          .reverse();
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            object: 'list',
            data,
            model: parsed.model,
            usage: { prompt_tokens: 7, total_tokens: 7 },
          }),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    const provider = createOpenAICompatible({ baseURL, apiKey: 'sk-test-EMBED-SECRET-99' });
    const embedder = provider.embedding('text-embedding-3-small', { maxEmbeddingsPerCall: 2 });
    const result = await embedMany({ embedder, values: ['a', 'bbb', 'cc'] });
    expect(result.calls).toBe(2);
    expect(result.embeddings.map((vector) => vector[0])).toEqual([1, 3, 2]);
    expect(seen[0]).toMatchObject({
      model: 'text-embedding-3-small',
      input: ['a', 'bbb'],
      encoding_format: 'float',
    });
    expect(JSON.stringify(embedder)).not.toContain('SECRET');

    const forbidden = provider.embedding('forbidden');
    const error = await forbidden.doEmbed({ values: ['x'] }).catch((caught: unknown) => caught);
    expect(ApiCallError.isInstance(error)).toBe(true);
    expect((error as ApiCallError).statusCode).toBe(401);
    expect((error as ApiCallError).isRetryable).toBe(false);
    expect((error as Error).message).not.toContain('SECRET');
  });
});

function counting(inner: Embedder): Embedder & { calls: number; texts: number } {
  const wrapper = {
    ...inner,
    calls: 0,
    texts: 0,
    async doEmbed(options: { values: string[] }) {
      wrapper.calls++;
      wrapper.texts += options.values.length;
      return inner.doEmbed(options);
    },
  };
  return wrapper;
}

describe('embedMany and the embedding cache', () => {
  it('embeds duplicates once, and a second pass over the same texts makes no call', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'treesynth-embedding-cache-'));
    const values = Array.from({ length: 300 }, (_, index) => `question number ${index % 250}`);
    const first = counting({ ...createHashingEmbedder({ dimensions: 64 }), maxEmbeddingsPerCall: 100 });
    const one = await embedMany({ embedder: first, values, cacheDir });
    expect(first.texts).toBe(250);
    expect(first.calls).toBe(3);

    const second = counting({ ...createHashingEmbedder({ dimensions: 64 }), maxEmbeddingsPerCall: 100 });
    const two = await embedMany({ embedder: second, values, cacheDir });
    expect(second.calls).toBe(0);
    expect(two.cached).toBe(250);
    expect(two.embeddings.map((vector) => Array.from(vector))).toEqual(
      one.embeddings.map((vector) => Array.from(vector)),
    );
  });

  it('drops a torn last record after a crash and embeds that text again', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'treesynth-embedding-cache-'));
    const values = ['alpha', 'beta', 'gamma'];
    await embedMany({ embedder: createHashingEmbedder({ dimensions: 16 }), values, cacheDir });
    const [folder] = readdirSync(cacheDir);
    const file = join(cacheDir, folder!, 'vectors-16.bin');
    const size = statSync(file).size;
    appendFileSync(file, Buffer.alloc(40, 7)); // a partial record, as a kill mid-write leaves
    const again = counting(createHashingEmbedder({ dimensions: 16 }));
    const result = await embedMany({ embedder: again, values: [...values, 'delta'], cacheDir });
    expect(again.texts).toBe(1);
    expect(result.cached).toBe(3);
    expect(statSync(file).size).toBe(size + (32 + 64));
  });
});

describe('createEmbedder and offline models', () => {
  it('parses specs and names an unknown one', () => {
    expect(createEmbedder('hashing:256').dimensions).toBe(256);
    expect(createEmbedder('use-lite').provider).toBe('use-lite');
    expect(() => createEmbedder('word2vec')).toThrow(/unknown embedder "word2vec"; use one of hashing/);
    expect(() => createEmbedder('hashing:x')).toThrow(ConfigError);
  });
});

describe('wrapEmbedder with embeddingCacheMiddleware', () => {
  it('embeds nothing on a second pass over the same texts, in a fresh process-like stack', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'treesynth-embedding-middleware-'));
    const values = ['one', 'two', 'one', 'three', 'four', 'five'];
    const stack = (embedder: Embedder) =>
      wrapEmbedder({ embedder, middleware: [embeddingCacheMiddleware({ dir })] });

    const first = counting({ ...createHashingEmbedder({ dimensions: 32 }), maxEmbeddingsPerCall: 2 });
    const one = await stack(first).doEmbed({ values });
    expect([first.calls, first.texts]).toEqual([3, 5]);

    const second = counting({ ...createHashingEmbedder({ dimensions: 32 }), maxEmbeddingsPerCall: 2 });
    const two = await stack(second).doEmbed({ values: [...values].reverse() });
    expect([second.calls, second.texts]).toEqual([0, 0]);
    expect(two.embeddings.map((vector) => Array.from(vector))).toEqual(
      [...one.embeddings].reverse().map((vector) => Array.from(vector)),
    );

    const third = counting({ ...createHashingEmbedder({ dimensions: 32 }), maxEmbeddingsPerCall: 2 });
    await stack(third).doEmbed({ values: ['one', 'six', 'six'] });
    expect([third.calls, third.texts]).toEqual([1, 1]);
  });
});
