import type { Embedder } from '@treesynth/core';
import { embedMany } from './embed-many.js';

/**
 * `embedder` behind the on-disk embedding cache in `cacheDir`: texts embedded before by the same
 * `provider/modelId` cost nothing, the rest go through `embedMany` in the embedder's batches. For
 * functions that take an Embedder, such as `compareDatasets` in @treesynth/eval.
 */
export function cachedEmbedder(embedder: Embedder, cacheDir: string): Embedder {
  return {
    specificationVersion: 'v1',
    provider: embedder.provider,
    modelId: embedder.modelId,
    ...(embedder.dimensions !== undefined ? { dimensions: embedder.dimensions } : {}),
    // One call takes any number of texts: embedMany batches the ones the cache lacks.
    maxEmbeddingsPerCall: Number.POSITIVE_INFINITY,
    async doEmbed({ values, signal }) {
      const { embeddings } = await embedMany({ embedder, values, cacheDir, ...(signal ? { signal } : {}) });
      return { embeddings };
    },
  };
}
