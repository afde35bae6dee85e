import type { ChatResult, CompletionCallOptions, CompletionModel } from '@treesynth/core';
import { ApiCallError } from '@treesynth/core';
import { redactUrl, throwIfAborted } from '@treesynth/core/internal';
import type OpenAI from 'openai';
import { querySecrets } from './base-url.js';
import { mapOpenAIError } from './map-openai-error.js';
import type { OpenAIChatModelConfig } from './openai-chat-model.js';
import type { OpenAIChatOptions } from './openai-chat-options.js';
import { lazyOpenAIClient } from './openai-client.js';

interface CompletionLike {
  model?: string;
  choices?: Array<{ text?: string | null; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number } | null;
}

/**
 * A base model on any OpenAI-compatible `/completions` endpoint (vLLM, SGLang, llama.cpp, Together...).
 * Like the chat model: the SDK's retries are off (retries, caching and rate limits are middleware, see
 * `wrapCompletionModel`), and the API key never appears in `JSON.stringify(model)` or an error.
 */
export class OpenAICompletionModel implements CompletionModel {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly #client: () => Promise<OpenAI>;
  readonly #options: Pick<OpenAIChatOptions, 'timeoutMs' | 'extraBody'>;
  readonly #baseURL: string;
  readonly #secrets: readonly string[];

  constructor(
    modelId: string,
    options: Pick<OpenAIChatOptions, 'timeoutMs' | 'extraBody'>,
    config: OpenAIChatModelConfig,
  ) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.#options = options;
    this.#baseURL = redactUrl(config.baseURL);
    this.#secrets = [config.apiKey, ...Object.values(config.headers ?? {}), ...querySecrets(config.query)];
    this.#client = lazyOpenAIClient({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      headers: config.headers,
      query: config.query,
      timeoutMs: options.timeoutMs,
      fetch: config.fetch,
    });
  }

  async doComplete(options: CompletionCallOptions): Promise<ChatResult> {
    throwIfAborted(options.signal);
    const body: Record<string, unknown> = {
      ...this.#options.extraBody,
      model: this.modelId,
      prompt: options.prompt,
      stream: false,
    };
    if (options.temperature !== undefined) body.temperature = options.temperature;
    if (options.topP !== undefined) body.top_p = options.topP;
    if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
    if (options.seed !== undefined) body.seed = options.seed;
    if (options.stop !== undefined && options.stop.length > 0) body.stop = options.stop;
    const url = `${this.#baseURL}/completions`;
    let response: CompletionLike;
    try {
      response = (await (
        await this.#client()
      ).completions.create(body as unknown as OpenAI.Completions.CompletionCreateParamsNonStreaming, {
        signal: options.signal,
        timeout: this.#options.timeoutMs,
      })) as CompletionLike;
    } catch (error) {
      throw mapOpenAIError(error, {
        baseURL: this.#baseURL,
        url,
        timeoutMs: this.#options.timeoutMs,
        signal: options.signal,
        errorBody: undefined,
        secrets: this.#secrets,
      });
    }
    const choice = response.choices?.[0];
    if (!choice)
      throw new ApiCallError({ message: `${url} answered without any choice`, isRetryable: true, url });
    const result: ChatResult = {
      text: choice.text ?? '',
      usage: {
        promptTokens: response.usage?.prompt_tokens ?? 0,
        completionTokens: response.usage?.completion_tokens ?? 0,
      },
      modelId: response.model ?? this.modelId,
    };
    if (choice.finish_reason) result.finishReason = choice.finish_reason;
    if (!response.usage) result.warnings = ['the endpoint reported no token usage'];
    return result;
  }

  /** What `JSON.stringify(model)` shows: never the key, the client or the headers. */
  toJSON(): { specificationVersion: 'v1'; provider: string; modelId: string; baseURL: string } {
    const { specificationVersion, provider, modelId } = this;
    return { specificationVersion, provider, modelId, baseURL: this.#baseURL };
  }
}
