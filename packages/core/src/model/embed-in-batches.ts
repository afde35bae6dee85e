import { AbortedError } from '../errors/index.js';
import type { Embedder } from '../spec/embedder.js';

export interface EmbedInBatchesOptions {
  signal?: AbortSignal;
  /** Called after each `doEmbed` call with its texts and their vectors (e.g. to cache them). */
  onBatch?: (texts: readonly string[], vectors: readonly Float32Array[]) => void | Promise<void>;
}

/**
 * Embed each distinct text once, in batches of the embedder's `maxEmbeddingsPerCall`, checking that
 * every call returns one vector per text. Returns the vectors by text and the calls made. The
 * shared core of providers' cached `embedMany` and of the routers' embedding.
 */
export async function embedInBatches(
  embedder: Embedder,
  texts: readonly string[],
  options: EmbedInBatchesOptions = {},
): Promise<{ vectors: Map<string, Float32Array>; calls: number }> {
  const { signal } = options;
  const distinct = [...new Set(texts)];
  const vectors = new Map<string, Float32Array>();
  const batch = Math.max(1, embedder.maxEmbeddingsPerCall);
  let calls = 0;
  for (let start = 0; start < distinct.length; start += batch) {
    if (signal?.aborted) throw new AbortedError(signal.reason);
    const values = distinct.slice(start, start + batch);
    const { embeddings } = await embedder.doEmbed({ values, signal });
    calls++;
    if (embeddings.length !== values.length) {
      throw new Error(
        `${embedder.provider}/${embedder.modelId} returned ${embeddings.length} vectors for ${values.length} texts`,
      );
    }
    for (const [index, value] of values.entries()) vectors.set(value, embeddings[index]!);
    await options.onBatch?.(values, embeddings);
  }
  return { vectors, calls };
}
