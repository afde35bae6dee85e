import { type Embedder, embedInBatches } from '@treesynth/core';

/**
 * Embed texts with an embedder from core's spec: each distinct text once, in batches, output in
 * input order. (Providers' `embedMany` adds a disk cache; balance depends on core only, so callers
 * who want the cache embed there and pass vectors to `routeEmbeddings`.) Returns the vectors and how
 * many distinct texts were embedded.
 */
export async function embedTexts(
  embedder: Embedder,
  texts: readonly string[],
  signal?: AbortSignal,
): Promise<{ embeddings: Float32Array[]; embedded: number }> {
  const { vectors } = await embedInBatches(embedder, texts, { signal });
  return { embeddings: texts.map((text) => vectors.get(text)!), embedded: vectors.size };
}
