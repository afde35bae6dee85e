export { type BatchIngestReport, type BatchRequestLine, deferToBatchMiddleware } from './batch/batch-jobs.js';
export {
  BATCH_REQUESTS_FILE,
  type ExportBatchOptions,
  exportBatchOptionsSchema,
  type IngestBatchOptions,
  ingestBatchOptionsSchema,
} from './batch/batch-options.js';
export type { ExportBatchResult } from './batch/batch-pass.js';
export { exportBatch } from './batch/export-batch.js';
export {
  type BatchResult,
  batchResultJson,
  type FormatBatchOptions,
  formatBatchResult,
} from './batch/format-batch.js';
export { type IngestBatchResult, ingestBatch } from './batch/ingest-batch.js';
export {
  type CallStackOptions,
  callStackMiddleware,
  callStackOptionsSchema,
  connectEndpoints,
  createCompletionModelStack,
  createModelStack,
  type EndpointOptions,
  endpointOptionsSchema,
  type ModelStackOptions,
  modelStackOptionsSchema,
} from './create-model-stack.js';
export {
  createEmbedder,
  createHashingEmbedder,
  DEFAULT_OFFLINE_EMBEDDER,
  EMBEDDER_SPECS,
  type EmbeddingCacheMiddlewareOptions,
  type EmbedManyOptions,
  type EmbedManyResult,
  embedderSource,
  embedderSpecOptionsSchema,
  embeddingCacheMiddleware,
  embedMany,
  type HashingEmbedderOptions,
  withEmbeddingCache,
} from './embedding/index.js';
export {
  type EndpointModelSource,
  type EndpointSource,
  endpointConnector,
  endpointModelSource,
  endpointModelSourceSchema,
  endpointSourceSchema,
  resolveBaseURLs,
} from './endpoint-source.js';
export { type CacheMiddlewareOptions, cacheMiddleware } from './middleware/cache-middleware.js';
export {
  type LoadBalancedChatModel,
  type LoadBalancedChatModelOptions,
  loadBalancedChatModel,
} from './middleware/load-balanced-chat-model.js';
export { prefixShareMiddleware } from './middleware/prefix-share.js';
export {
  type RateLimit,
  type RateLimitMiddlewareOptions,
  type RateLimitWait,
  rateLimitMiddleware,
} from './middleware/rate-limit-middleware.js';
export {
  type RetryEvent,
  type RetryMiddlewareOptions,
  retryMiddleware,
} from './middleware/retry-middleware.js';
export { wrapCompletionModel } from './middleware/wrap-completion-model.js';
export {
  type OpenAIChatModelId,
  type OpenAIChatOptions,
  type OpenAIChatOptionsInput,
  openaiChatOptionsSchema,
} from './openai/openai-chat-options.js';
export {
  createOpenAICompatible,
  DEFAULT_OPENAI_BASE_URL,
  type OpenAICompatibleProvider,
  type OpenAICompatibleSettings,
} from './openai/openai-compatible-provider.js';
export { OpenAICompletionModel } from './openai/openai-completion-model.js';
export { type CostEstimate, estimateCost, type TokenCounts, tokenCost } from './pricing/estimate-cost.js';
export {
  BUILTIN_PRICES,
  findPrice,
  type ModelPrice,
  modelPriceSchema,
  PRICE_TABLE_DATE,
  type PriceMatch,
  type PriceTable,
  parsePriceFile,
  priceFileSchema,
} from './pricing/price-table.js';
export { writeUsageFile } from './pricing/usage-file.js';
export {
  type EndpointRunResult,
  type RunOnEndpointOptions,
  runOnEndpoint,
  runOnEndpointOptionsSchema,
} from './run-on-endpoint.js';
