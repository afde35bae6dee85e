import { type Embedder, wrapEmbedder } from '@treesynth/core';
import { z } from 'zod';
import { createEmbedder, DEFAULT_OFFLINE_EMBEDDER, EMBEDDER_SPECS } from './create-embedder.js';
import { embeddingCacheMiddleware } from './embedding-cache-middleware.js';

/** An embedder named by a spec, and where its vectors are kept across jobs. */
export const embedderSpecOptionsSchema = z.object({
  embedder: z
    .string()
    .min(1)
    .default(DEFAULT_OFFLINE_EMBEDDER)
    .describe(`the embedder: ${EMBEDDER_SPECS.join(', ')}`),
  cacheDir: z.string().min(1).optional().describe('reuse embeddings across calls from this folder'),
});

/**
 * `embedder` behind the embedding cache in `cacheDir`, so texts embedded once are not embedded again;
 * without a folder, or for the hashing embedder (cheaper to run than to cache), the embedder itself.
 */
export function withEmbeddingCache(embedder: Embedder, cacheDir: string | undefined): Embedder {
  if (!cacheDir || embedder.provider === 'hashing') return embedder;
  return wrapEmbedder({ embedder, middleware: [embeddingCacheMiddleware({ dir: cacheDir })] });
}

/**
 * An embedder made from its spec when a job needs it (`balanceDataset`'s `embedder`), its vectors
 * cached in the folder the job names.
 */
export function embedderSource(
  spec: string = DEFAULT_OFFLINE_EMBEDDER,
  settings: { baseURL?: string; apiKey?: string } = {},
): { id: string; create(context: { cacheDir?: string }): Embedder } {
  return { id: spec, create: ({ cacheDir }) => withEmbeddingCache(createEmbedder(spec, settings), cacheDir) };
}
