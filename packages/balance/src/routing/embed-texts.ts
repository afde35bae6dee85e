import { AbortedError, type Embedder } from '@treesynth/core';

/**
 * Embed texts with an embedder from core's spec: each distinct text once, in batches of the
 * embedder's `maxEmbeddingsPerCall`, output in input order. (Providers' `embedMany` adds a disk
 * cache; balance depends on core only, so callers who want the cache embed there and pass vectors
 * to `routeEmbeddings`.) Returns the vectors and how many distinct texts were embedded.
 */
export async function embedTexts(
  embedder: Embedder,
  texts: readonly string[],
  signal?: AbortSignal,
): Promise<{ embeddings: Float32Array[]; embedded: number }> {
  const distinct = [...new Set(texts)];
  const vectors = new Map<string, Float32Array>();
  const batch = Math.max(1, embedder.maxEmbeddingsPerCall);
  for (let start = 0; start < distinct.length; start += batch) {
    if (signal?.aborted) throw new AbortedError(signal.reason);
    const values = distinct.slice(start, start + batch);
    const { embeddings } = await embedder.doEmbed({ values, signal });
    if (embeddings.length !== values.length) {
      throw new Error(
        `${embedder.provider}/${embedder.modelId} returned ${embeddings.length} vectors for ${values.length} texts`,
      );
    }
    for (const [index, value] of values.entries()) vectors.set(value, embeddings[index]!);
  }
  return { embeddings: texts.map((text) => vectors.get(text)!), embedded: distinct.length };
}
