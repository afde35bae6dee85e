import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ApiCallError,
  type ChatCallOptions,
  type ChatMessage,
  type ChatModel,
  type ChatResult,
  schemaHint,
} from '@treesynth/core';
import { redactUrl, throwIfAborted } from '@treesynth/core/internal';
import type OpenAI from 'openai';
import { querySecrets } from './base-url.js';
import { chatRequestBody, chatResultFromCompletion } from './chat-completion-mapping.js';
import { mapOpenAIError } from './map-openai-error.js';
import type { OpenAIChatModelId, OpenAIChatOptions } from './openai-chat-options.js';
import { lazyOpenAIClient } from './openai-client.js';

/** What a chat model needs from its provider. Built by `createOpenAICompatible`, never from the environment. */
export interface OpenAIChatModelConfig {
  provider: string;
  /** Without query or credentials; the query goes in `query`. */
  baseURL: string;
  query?: Record<string, string>;
  apiKey: string;
  headers?: Record<string, string>;
  fetch?: typeof globalThis.fetch;
}

/** Per-request scratch space shared with the fetch wrapper: the body of an error response. */
interface RequestScope {
  errorBody?: string;
}

const MAX_ERROR_BODY = 8_000;
const SCHEMA_REJECTION = /response_format|json_schema/i;
const SECRET_HEADER = /key|auth|token|secret|cookie/i;

/**
 * A chat model on any OpenAI-compatible `/chat/completions` endpoint. The SDK's own retries are off:
 * retries, caching and rate limits are middleware. The API key lives in a private field and never
 * appears in `JSON.stringify(model)` or in an error message.
 */
export class OpenAIChatModel implements ChatModel {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly modelId: OpenAIChatModelId;
  readonly #client: () => Promise<OpenAI>;
  readonly #options: OpenAIChatOptions;
  readonly #baseURL: string;
  readonly #secrets: readonly string[];
  readonly #scope = new AsyncLocalStorage<RequestScope>();
  /** Set once the endpoint has rejected `response_format: json_schema`; later calls go without it. */
  #jsonSchemaRejected = false;

  constructor(modelId: OpenAIChatModelId, options: OpenAIChatOptions, config: OpenAIChatModelConfig) {
    this.modelId = modelId;
    this.provider = config.provider;
    this.#options = options;
    this.#baseURL = redactUrl(config.baseURL);
    this.#secrets = [
      config.apiKey,
      ...Object.entries(config.headers ?? {})
        .filter(([name]) => SECRET_HEADER.test(name))
        .map(([, value]) => value),
      ...querySecrets(config.query),
    ];
    const innerFetch = config.fetch ?? globalThis.fetch;
    const scope = this.#scope;
    const recordingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const response = await innerFetch(input, init);
      const store = scope.getStore();
      if (!response.ok && store) {
        store.errorBody = await response
          .clone()
          .text()
          .then((text) => text.slice(0, MAX_ERROR_BODY))
          .catch(() => undefined);
      }
      return response;
    };
    this.#client = lazyOpenAIClient({
      apiKey: config.apiKey,
      baseURL: config.baseURL,
      headers: config.headers,
      query: config.query,
      timeoutMs: options.timeoutMs,
      fetch: recordingFetch,
    });
  }

  /** Whether this model has stopped sending `response_format: json_schema` (the endpoint rejected it). */
  get jsonSchemaRejected(): boolean {
    return this.#jsonSchemaRejected;
  }

  async doGenerate(options: ChatCallOptions): Promise<ChatResult> {
    throwIfAborted(options.signal);
    const wantsSchema = options.responseFormat !== undefined && this.#options.structuredOutputs;
    if (!wantsSchema || !this.#jsonSchemaRejected) {
      try {
        return await this.#send(options, wantsSchema);
      } catch (error) {
        if (!(wantsSchema && isSchemaRejection(error))) throw error;
        this.#jsonSchemaRejected = true;
      }
    }
    const result = await this.#send(options, false);
    return {
      ...result,
      warnings: [
        ...(result.warnings ?? []),
        `${this.#baseURL} rejected response_format json_schema; sent the schema in the prompt instead`,
      ],
    };
  }

  async #send(options: ChatCallOptions, useSchema: boolean): Promise<ChatResult> {
    const { responseFormat } = options;
    const messages =
      responseFormat && !useSchema ? withSchemaHint(options.messages, responseFormat) : options.messages;
    const body = chatRequestBody(
      this.modelId,
      { ...options, messages },
      { useSchema, extraBody: this.#options.extraBody },
    );
    const scope: RequestScope = {};
    let response: OpenAI.Chat.Completions.ChatCompletion;
    try {
      response = await this.#scope.run(scope, () =>
        this.#client().then((client) =>
          client.chat.completions.create(
            body as unknown as OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming,
            { signal: options.signal, timeout: this.#options.timeoutMs },
          ),
        ),
      );
    } catch (error) {
      throw mapOpenAIError(error, {
        baseURL: this.#baseURL,
        url: `${this.#baseURL}/chat/completions`,
        timeoutMs: this.#options.timeoutMs,
        signal: options.signal,
        errorBody: scope.errorBody,
        secrets: this.#secrets,
      });
    }
    return this.#toResult(response);
  }

  #toResult(response: OpenAI.Chat.Completions.ChatCompletion): ChatResult {
    return chatResultFromCompletion(response, {
      modelId: this.modelId,
      url: `${this.#baseURL}/chat/completions`,
    });
  }

  /** What `JSON.stringify(model)` shows: never the key, the client or the headers. */
  toJSON(): { specificationVersion: 'v1'; provider: string; modelId: string; baseURL: string } {
    return {
      specificationVersion: this.specificationVersion,
      provider: this.provider,
      modelId: this.modelId,
      baseURL: this.#baseURL,
    };
  }
}

function isSchemaRejection(error: unknown): boolean {
  return (
    error instanceof ApiCallError &&
    (error.statusCode === 400 || error.statusCode === 422) &&
    SCHEMA_REJECTION.test(error.message)
  );
}

/** Ask for the schema in words, on the last user turn (chat templates often refuse a late system turn). */
function withSchemaHint(
  messages: ChatMessage[],
  format: NonNullable<ChatCallOptions['responseFormat']>,
): ChatMessage[] {
  const hint = schemaHint(format.name, format.schema);
  const last = messages.at(-1);
  if (last?.role === 'user') {
    return [...messages.slice(0, -1), { role: 'user', content: `${last.content}\n\n${hint}` }];
  }
  return [...messages, { role: 'user', content: hint }];
}
