import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Embedder, wrapEmbedder } from '@treesynth/core';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddingCacheMiddleware } from './embedding-cache-middleware.js';
import { createHashingEmbedder } from './hashing-embedder.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-embedding-cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The hashing embedder, recording the texts each doEmbed call is given. */
function countingEmbedder(): Embedder & { embedded: string[] } {
  const inner = createHashingEmbedder({ dimensions: 64 });
  const embedded: string[] = [];
  return {
    ...inner,
    maxEmbeddingsPerCall: 2,
    embedded,
    doEmbed(options) {
      embedded.push(...options.values);
      return inner.doEmbed(options);
    },
  };
}

/** `embedder` behind the on-disk cache in `dir`, as the CLI's --cache-dir wires it. */
function cached(embedder: Embedder, dir: string): Embedder {
  return wrapEmbedder({ embedder, middleware: [embeddingCacheMiddleware({ dir })] });
}

/** Vectors by text, through the wrapped embedder. */
async function embed(embedder: Embedder, texts: string[]): Promise<Map<string, Float32Array>> {
  const { embeddings } = await embedder.doEmbed({ values: texts });
  return new Map(texts.map((text, index) => [text, embeddings[index]!]));
}

describe('embeddingCacheMiddleware', () => {
  it('answers texts embedded before from the cache folder, across instances', async () => {
    const cacheDir = join(work, 'cache');
    const first = countingEmbedder();
    const wrapped = cached(first, cacheDir);
    expect(wrapped).toMatchObject({ provider: first.provider, modelId: first.modelId, dimensions: 64 });
    const texts = ['one apple', 'two pears', 'three plums'];
    const vectors = await embed(wrapped, texts);
    expect(first.embedded).toEqual(texts);

    const second = countingEmbedder();
    const again = await embed(cached(second, cacheDir), [...texts, 'four figs']);
    expect(second.embedded).toEqual(['four figs']);
    for (const text of texts) expect(Array.from(again.get(text)!)).toEqual(Array.from(vectors.get(text)!));
  });
});
