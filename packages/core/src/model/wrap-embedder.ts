import { AbortedError } from '../errors/index.js';
import type { Embedder, EmbedderMiddleware, EmbedOptions, EmbedResult } from '../spec/embedder.js';

/**
 * The one path every embedding takes. The returned embedder accepts any number of texts in one
 * `doEmbed` call: the middleware (first is outermost, e.g. a cache) sees them all, then each distinct
 * remaining text is embedded once, in batches of `embedder.maxEmbeddingsPerCall`, each batch checked to
 * return one vector per text. Vectors come back in input order.
 */
export function wrapEmbedder(options: { embedder: Embedder; middleware?: EmbedderMiddleware[] }): Embedder {
  const { embedder } = options;
  let doEmbed = (embedOptions: EmbedOptions): Promise<EmbedResult> => embedInBatches(embedder, embedOptions);
  for (const middleware of [...(options.middleware ?? [])].reverse()) {
    const inner = doEmbed;
    doEmbed = (embedOptions) => middleware.wrapEmbed({ doEmbed: inner, options: embedOptions, embedder });
  }
  return {
    specificationVersion: 'v1',
    provider: embedder.provider,
    modelId: embedder.modelId,
    ...(embedder.dimensions !== undefined ? { dimensions: embedder.dimensions } : {}),
    maxEmbeddingsPerCall: Number.MAX_SAFE_INTEGER,
    doEmbed,
  };
}

async function embedInBatches(embedder: Embedder, options: EmbedOptions): Promise<EmbedResult> {
  const { values, signal } = options;
  const distinct = [...new Set(values)];
  const vectors = new Map<string, Float32Array>();
  const batch = Math.max(1, embedder.maxEmbeddingsPerCall);
  let tokens: number | undefined;
  for (let start = 0; start < distinct.length; start += batch) {
    if (signal?.aborted) throw new AbortedError(signal.reason);
    const texts = distinct.slice(start, start + batch);
    const { embeddings, usage } = await embedder.doEmbed({ values: texts, signal });
    if (embeddings.length !== texts.length) {
      throw new Error(
        `${embedder.provider}/${embedder.modelId} returned ${embeddings.length} vectors for ${texts.length} texts`,
      );
    }
    for (const [index, text] of texts.entries()) vectors.set(text, embeddings[index]!);
    if (usage) tokens = (tokens ?? 0) + usage.tokens;
  }
  return {
    embeddings: values.map((text) => vectors.get(text)!),
    ...(tokens !== undefined ? { usage: { tokens } } : {}),
  };
}
