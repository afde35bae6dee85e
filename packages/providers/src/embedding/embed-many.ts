import { type Embedder, embedInBatches } from '@treesynth/core';
import { EmbeddingCache } from './embedding-cache.js';

export interface EmbedManyOptions {
  embedder: Embedder;
  values: readonly string[];
  signal?: AbortSignal;
  /** Called after each batch with the texts done so far (cached ones included). */
  onProgress?: (done: number, total: number) => void;
  /** Folder of the on-disk embedding cache; texts embedded before by the same embedder cost nothing. */
  cacheDir?: string;
}

export interface EmbedManyResult {
  embeddings: Float32Array[];
  /** `doEmbed` calls made. */
  calls: number;
  /** Texts answered from the cache. */
  cached: number;
}

/**
 * Embed any number of texts: duplicates and cached texts are embedded once, the rest in batches of the
 * embedder's `maxEmbeddingsPerCall`; the output keeps the input order.
 */
export async function embedMany(options: EmbedManyOptions): Promise<EmbedManyResult> {
  const { embedder, values, signal } = options;
  const cache = options.cacheDir
    ? EmbeddingCache.open(options.cacheDir, `${embedder.provider}/${embedder.modelId}`)
    : undefined;
  const known = new Map<string, Float32Array>();
  let cached = 0;
  const missing = new Set<string>();
  for (const text of values) {
    if (known.has(text) || missing.has(text)) continue;
    const hit = cache?.get(text);
    if (hit) {
      known.set(text, hit);
      cached++;
    } else missing.add(text);
  }
  let done = cached;
  const { calls } = await embedInBatches(embedder, [...missing], {
    signal,
    async onBatch(texts, vectors) {
      for (const [index, text] of texts.entries()) known.set(text, vectors[index]!);
      await cache?.add(texts.map((text, index) => [text, vectors[index]!] as const));
      done += texts.length;
      options.onProgress?.(done, values.length);
    },
  });
  return { embeddings: values.map((text) => known.get(text)!), calls, cached };
}
