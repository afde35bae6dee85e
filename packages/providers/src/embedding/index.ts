export { cachedEmbedder } from './cached-embedder.js';
export { createEmbedder, DEFAULT_OFFLINE_EMBEDDER, EMBEDDER_SPECS } from './create-embedder.js';
export { type EmbedManyOptions, type EmbedManyResult, embedMany } from './embed-many.js';
export { EmbeddingCache } from './embedding-cache.js';
export { writeEmbeddingTableModel } from './embedding-table-model.js';
export {
  createGloveSifEmbedder,
  exportGloveSifModel,
  type GloveSifEmbedderOptions,
} from './glove-sif-embedder.js';
export { createHashingEmbedder, type HashingEmbedderOptions, wordTokens } from './hashing-embedder.js';
export { OpenAIEmbedder, type OpenAIEmbedderConfig } from './openai-embedder.js';
export {
  createTransformersEmbedder,
  DEFAULT_TRANSFORMERS_MODEL,
  type TransformersEmbedderOptions,
} from './transformers-embedder.js';
export {
  createUseLiteEmbedder,
  type UseLiteEmbedder,
  type UseLiteEmbedderOptions,
} from './use-lite-embedder.js';
