import type { Embedder } from '@treesynth/core';
import { hash32 } from '@treesynth/core/internal';

/** A real, deterministic Embedder for tests: each word adds 1 to one of `dims` (64) hashed dimensions. */
export function wordEmbedder(dims = 64): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: `words-${dims}`,
    dimensions: dims,
    maxEmbeddingsPerCall: 16,
    calls,
    async doEmbed({ values }) {
      calls.push([...values]);
      return {
        embeddings: values.map((text) => {
          const vector = new Float32Array(dims);
          for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) vector[hash32(word) % dims]! += 1;
          return vector;
        }),
      };
    },
  };
}
