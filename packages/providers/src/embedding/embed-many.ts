import { type Embedder, wrapEmbedder } from '@treesynth/core';
import { embeddingCacheMiddleware } from './embedding-cache-middleware.js';

export interface EmbedManyOptions {
  embedder: Embedder;
  values: readonly string[];
  signal?: AbortSignal;
  /** Folder of the on-disk embedding cache; texts embedded before by the same embedder cost nothing. */
  cacheDir?: string;
}

export interface EmbedManyResult {
  embeddings: Float32Array[];
  /** `doEmbed` calls made. */
  calls: number;
  /** Distinct texts answered from the cache. */
  cached: number;
}

/**
 * Embed any number of texts through `wrapEmbedder` (with `embeddingCacheMiddleware` when `cacheDir` is
 * given): duplicates and cached texts are embedded once, the rest in batches of the embedder's
 * `maxEmbeddingsPerCall`; the output keeps the input order.
 */
export async function embedMany(options: EmbedManyOptions): Promise<EmbedManyResult> {
  const { embedder, values, signal, cacheDir } = options;
  let calls = 0;
  let embedded = 0;
  const counted: Embedder = {
    specificationVersion: 'v1',
    provider: embedder.provider,
    modelId: embedder.modelId,
    maxEmbeddingsPerCall: embedder.maxEmbeddingsPerCall,
    doEmbed(embedOptions) {
      calls++;
      embedded += embedOptions.values.length;
      return embedder.doEmbed(embedOptions);
    },
  };
  const wrapped = wrapEmbedder({
    embedder: counted,
    middleware: cacheDir ? [embeddingCacheMiddleware({ dir: cacheDir })] : [],
  });
  const { embeddings } = await wrapped.doEmbed({ values: [...values], ...(signal ? { signal } : {}) });
  return { embeddings, calls, cached: new Set(values).size - embedded };
}
