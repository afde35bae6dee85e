export {
  createGloveSifEmbedder,
  exportGloveSifModel,
  type GloveSifEmbedderOptions,
} from './glove-sif-embedder.js';
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
