import type { Embedder, EmbedOptions, EmbedResult } from '@treesynth/core';
import { throwIfAborted } from '@treesynth/core/internal';
import type OpenAI from 'openai';
import { querySecrets } from '../openai/base-url.js';
import { mapOpenAIError } from '../openai/map-openai-error.js';
import { lazyOpenAIClient } from '../openai/openai-client.js';

export interface OpenAIEmbedderConfig {
  provider: string;
  /** Without query or credentials; the query goes in `query`. */
  baseURL: string;
  query?: Record<string, string>;
  apiKey: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Texts per request (default 256; OpenAI accepts up to 2048). */
  maxEmbeddingsPerCall?: number;
  /** Vector length to ask for, where the model supports shortening (text-embedding-3-*). */
  dimensions?: number;
  timeoutMs?: number;
}

/**
 * Any OpenAI-compatible `/embeddings` endpoint: OpenAI, vLLM, Ollama, TEI. Built by
 * `createOpenAICompatible(...).embedding(id)`; errors are the chat model's (`ApiCallError`, key scrubbed).
 */
export class OpenAIEmbedder implements Embedder {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly dimensions: number | undefined;
  readonly maxEmbeddingsPerCall: number;
  readonly #client: () => Promise<OpenAI>;
  readonly #config: OpenAIEmbedderConfig;

  constructor(modelId: string, config: OpenAIEmbedderConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.dimensions = config.dimensions;
    this.maxEmbeddingsPerCall = config.maxEmbeddingsPerCall ?? 256;
    this.#config = config;
    this.#client = lazyOpenAIClient({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      headers: config.headers,
      query: config.query,
      timeoutMs: config.timeoutMs ?? 120_000,
      ...(config.fetch ? { fetch: config.fetch } : {}),
    });
  }

  async doEmbed({ values, signal }: EmbedOptions): Promise<EmbedResult> {
    throwIfAborted(signal);
    try {
      const response = await (await this.#client()).embeddings.create(
        {
          model: this.modelId,
          input: values,
          encoding_format: 'float',
          ...(this.dimensions ? { dimensions: this.dimensions } : {}),
        },
        { signal },
      );
      const ordered = [...response.data].sort((a, b) => a.index - b.index);
      return {
        embeddings: ordered.map((item) => Float32Array.from(item.embedding)),
        usage: { tokens: response.usage?.prompt_tokens ?? 0 },
      };
    } catch (error) {
      throw mapOpenAIError(error, {
        baseURL: this.#config.baseURL,
        url: `${this.#config.baseURL}/embeddings`,
        timeoutMs: this.#config.timeoutMs ?? 120_000,
        signal,
        errorBody: undefined,
        secrets: [this.#config.apiKey, ...querySecrets(this.#config.query)],
      });
    }
  }

  /** What `JSON.stringify` shows: never the key. */
  toJSON(): { provider: string; modelId: string; baseURL: string } {
    return { provider: this.provider, modelId: this.modelId, baseURL: this.#config.baseURL };
  }
}
