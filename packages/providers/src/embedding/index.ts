export { createEmbedder, DEFAULT_OFFLINE_EMBEDDER, EMBEDDER_SPECS } from './create-embedder.js';
export { type EmbedManyOptions, type EmbedManyResult, embedMany } from './embed-many.js';
export {
  embedderSource,
  embedderSpecOptionsSchema,
  withEmbeddingCache,
} from './embedder-source.js';
export { EmbeddingCache } from './embedding-cache.js';
export {
  type EmbeddingCacheMiddlewareOptions,
  embeddingCacheMiddleware,
} from './embedding-cache-middleware.js';
export { createHashingEmbedder, type HashingEmbedderOptions } from './hashing-embedder.js';
export { OpenAIEmbedder, type OpenAIEmbedderConfig } from './openai-embedder.js';
