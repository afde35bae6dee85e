import type { EmbedderMiddleware } from '@treesynth/core';
import { EmbeddingCache } from './embedding-cache.js';

export interface EmbeddingCacheMiddlewareOptions {
  /** Folder of the on-disk cache; one append-only file per embedder (`provider/modelId`) under it. */
  dir: string;
}

/**
 * Answers texts an embedder has embedded before from the on-disk `EmbeddingCache`, and passes only
 * the others on, a batch of `maxEmbeddingsPerCall` at a time, each stored as soon as it is back (so an
 * interrupted run keeps what it paid for). Use with `wrapEmbedder`.
 */
export function embeddingCacheMiddleware(options: EmbeddingCacheMiddlewareOptions): EmbedderMiddleware {
  const caches = new Map<string, EmbeddingCache>();
  return {
    async wrapEmbed({ doEmbed, options: { values, signal }, embedder }) {
      const identity = `${embedder.provider}/${embedder.modelId}`;
      let cache = caches.get(identity);
      if (!cache) {
        cache = EmbeddingCache.open(options.dir, identity);
        caches.set(identity, cache);
      }
      const missing = [...new Set(values.filter((text) => !cache.get(text)))];
      const batch = Math.max(1, embedder.maxEmbeddingsPerCall);
      for (let start = 0; start < missing.length; start += batch) {
        const texts = missing.slice(start, start + batch);
        const { embeddings } = await doEmbed({ values: texts, signal });
        await cache.add(texts.map((text, index) => [text, embeddings[index]!] as const));
      }
      return { embeddings: values.map((text) => cache.get(text)!) };
    },
  };
}
