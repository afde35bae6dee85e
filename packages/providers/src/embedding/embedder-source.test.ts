import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import { embedderSource, withEmbeddingCache } from './embedder-source.js';
import { createHashingEmbedder } from './hashing-embedder.js';

/** An embedder that counts the texts it is asked to embed. */
function countingEmbedder(): Embedder & { embedded: number } {
  const embedder = {
    specificationVersion: 'v1' as const,
    provider: 'counting',
    modelId: 'length',
    maxEmbeddingsPerCall: 16,
    embedded: 0,
    async doEmbed({ values }: { values: string[] }) {
      embedder.embedded += values.length;
      return { embeddings: values.map((value) => Float32Array.of(value.length, 1)) };
    },
  };
  return embedder;
}

describe('withEmbeddingCache', () => {
  it('embeds a text once across embedders that share the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'treesynth-embedder-source-'));
    const first = countingEmbedder();
    await withEmbeddingCache(first, dir).doEmbed({ values: ['a', 'bb'] });
    const second = countingEmbedder();
    const { embeddings } = await withEmbeddingCache(second, dir).doEmbed({ values: ['bb', 'ccc'] });
    expect(embeddings.map((vector) => [...vector])).toEqual([
      [2, 1],
      [3, 1],
    ]);
    expect([first.embedded, second.embedded]).toEqual([2, 1]);
  });

  it('leaves the hashing embedder and a missing folder as they are', () => {
    const hashing = createHashingEmbedder();
    expect(withEmbeddingCache(hashing, mkdtempSync(join(tmpdir(), 'treesynth-hashing-')))).toBe(hashing);
    const counting = countingEmbedder();
    expect(withEmbeddingCache(counting, undefined)).toBe(counting);
  });
});

describe('embedderSource', () => {
  it('names the spec and makes the embedder only on create; a bad spec names the option', () => {
    const source = embedderSource('hashing:64');
    expect(source.id).toBe('hashing:64');
    expect(source.create({}).dimensions).toBe(64);
    expect(() => embedderSource('nope').create({})).toThrow(/^embedder: unknown embedder "nope"/);
  });
});
