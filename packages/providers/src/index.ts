export {
  type BatchIngestReport,
  type BatchRequestLine,
  deferToBatchMiddleware,
  ingestBatchResults,
} from './batch/batch-jobs.js';
export {
  BATCH_REQUESTS_FILE,
  type ExportBatchOptions,
  exportBatchOptionsSchema,
  type IngestBatchOptions,
  ingestBatchOptionsSchema,
} from './batch/batch-options.js';
export type { ExportBatchResult } from './batch/batch-pass.js';
export { exportBatch } from './batch/export-batch.js';
export { type IngestBatchResult, ingestBatch } from './batch/ingest-batch.js';
export { checkEndpoint } from './check-endpoint.js';
export {
  type CallStackOptions,
  callStackMiddleware,
  callStackOptionsSchema,
  connectEndpoints,
  createModelStack,
  type EndpointOptions,
  endpointOptionsSchema,
  type ModelStackOptions,
  modelStackOptionsSchema,
  RATE_LIMIT_NOTICE_MS,
} from './create-model-stack.js';
export {
  createEmbedder,
  createHashingEmbedder,
  DEFAULT_OFFLINE_EMBEDDER,
  EMBEDDER_SPECS,
  EmbeddingCache,
  type EmbeddingCacheMiddlewareOptions,
  type EmbedManyOptions,
  type EmbedManyResult,
  embeddingCacheMiddleware,
  embedMany,
  type HashingEmbedderOptions,
  OpenAIEmbedder,
  type OpenAIEmbedderConfig,
} from './embedding/index.js';
export {
  type CacheMiddlewareOptions,
  cacheMiddleware,
  responseCacheKey,
  responseCachePath,
  storeCachedResponse,
} from './middleware/cache-middleware.js';
export {
  type EndpointState,
  type EndpointStatus,
  type LoadBalancedChatModel,
  type LoadBalancedChatModelOptions,
  loadBalancedChatModel,
} from './middleware/load-balanced-chat-model.js';
export {
  type PrefixShareCounts,
  type PrefixShareReport,
  type PromptRecord,
  prefixShare,
  prefixShareMiddleware,
} from './middleware/prefix-share.js';
export {
  DEFAULT_COMPLETION_TOKENS,
  estimateCallTokens,
  type RateLimit,
  type RateLimitMiddlewareOptions,
  type RateLimitWait,
  rateLimitMiddleware,
} from './middleware/rate-limit-middleware.js';
export {
  type RetryEvent,
  type RetryMiddlewareOptions,
  retryDelayMs,
  retryMiddleware,
} from './middleware/retry-middleware.js';
export { type BaseUrl, endpointUrl, parseBaseUrl } from './openai/base-url.js';
export { chatRequestBody, chatResultFromCompletion } from './openai/chat-completion-mapping.js';
export { isRetryableStatus, parseRetryAfter } from './openai/map-openai-error.js';
export { OpenAIChatModel, type OpenAIChatModelConfig } from './openai/openai-chat-model.js';
export {
  type OpenAIChatModelId,
  type OpenAIChatOptions,
  type OpenAIChatOptionsInput,
  openaiChatOptionsSchema,
} from './openai/openai-chat-options.js';
export {
  createOpenAICompatible,
  DEFAULT_OPENAI_BASE_URL,
  isLoopbackUrl,
  type OpenAICompatibleProvider,
  type OpenAICompatibleSettings,
} from './openai/openai-compatible-provider.js';
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
