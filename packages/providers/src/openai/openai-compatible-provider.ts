import { ConfigError } from '@treesynth/core';
import { parseOptions, pathUnder, redactUrl } from '@treesynth/core/internal';
import { OpenAIEmbedder } from '../embedding/openai-embedder.js';
import { endpointUrl, parseBaseUrl } from './base-url.js';
import { OpenAIChatModel } from './openai-chat-model.js';
import {
  type OpenAIChatModelId,
  type OpenAIChatOptionsInput,
  openaiChatOptionsSchema,
} from './openai-chat-options.js';
import { OpenAICompletionModel } from './openai-completion-model.js';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Sent to loopback servers that need no key (vLLM, llama.cpp, Ollama, the simulator). */
const NO_KEY_PLACEHOLDER = 'no-key-required';

export interface OpenAICompatibleSettings {
  /**
   * Endpoint base URL, e.g. `http://127.0.0.1:8000/v1`. Default: `OPENAI_BASE_URL`, else OpenAI. Its
   * query (`?api-version=...`, a gateway's `?api-key=...`) is sent with every request and redacted
   * wherever the URL is shown; credentials in it (`user:key@`) are refused, as fetch cannot send them.
   */
  baseURL?: string;
  /** Default: `OPENAI_API_KEY`. Loopback endpoints may run without one. */
  apiKey?: string;
  /** Headers sent with every request (Azure's `api-key`, OpenRouter's `HTTP-Referer`, ...). */
  headers?: Record<string, string>;
  /** A custom fetch (proxies, tests). */
  fetch?: typeof globalThis.fetch;
  /** Provider name on the models (part of the response-cache key). Default `openai-compatible`. */
  name?: string;
}

export interface OpenAICompatibleProvider {
  readonly name: string;
  /** The base URL the models call, as shown to users: key-like query parameters redacted. */
  readonly baseURL: string;
  /** A chat model served by this endpoint. Throws `ConfigError` for invalid options. */
  chat(modelId: OpenAIChatModelId, options?: OpenAIChatOptionsInput): OpenAIChatModel;
  /** A base model at this endpoint's `/completions` (text in, continuation out). */
  completion(
    modelId: string,
    options?: Pick<OpenAIChatOptionsInput, 'timeoutMs' | 'extraBody'>,
  ): OpenAICompletionModel;
  /** An embedding model at this endpoint's `/embeddings`. */
  embedding(
    modelId: 'text-embedding-3-small' | 'text-embedding-3-large' | (string & {}),
    options?: { dimensions?: number; maxEmbeddingsPerCall?: number },
  ): OpenAIEmbedder;
}

/**
 * An OpenAI-compatible endpoint: OpenAI, Azure, vLLM, SGLang, Ollama, llama.cpp, LM Studio, OpenRouter...
 * The only place that reads `OPENAI_API_KEY` and `OPENAI_BASE_URL`. Throws `ConfigError` when a key is
 * needed and missing (any endpoint that is not on loopback).
 */
export function createOpenAICompatible(settings: OpenAICompatibleSettings = {}): OpenAICompatibleProvider {
  const source = nonEmpty(settings.baseURL) ? 'baseURL' : 'OPENAI_BASE_URL';
  const base = parseBaseUrl(
    nonEmpty(settings.baseURL) ?? nonEmpty(process.env.OPENAI_BASE_URL) ?? DEFAULT_OPENAI_BASE_URL,
    source,
  );
  const apiKey = nonEmpty(settings.apiKey) ?? nonEmpty(process.env.OPENAI_API_KEY);
  if (apiKey === undefined && !base.queryHasKey && !isLoopbackUrl(base.url)) {
    throw new ConfigError({
      path: 'OPENAI_API_KEY',
      message: `no API key for ${new URL(base.url).origin}; set OPENAI_API_KEY in the environment or pass apiKey`,
    });
  }
  const name = settings.name ?? 'openai-compatible';
  const config = {
    provider: name,
    baseURL: base.url,
    query: base.query,
    apiKey: apiKey ?? NO_KEY_PLACEHOLDER,
    headers: settings.headers,
    fetch: settings.fetch,
  };
  return {
    name,
    baseURL: redactUrl(endpointUrl(base, '')),
    chat(modelId, options = {}) {
      const checked = parseOptions(openaiChatOptionsSchema, options, pathUnder('chat options'));
      return new OpenAIChatModel(modelId, checked, config);
    },
    completion(modelId, options = {}) {
      const checked = parseOptions(openaiChatOptionsSchema, options, pathUnder('completion options'));
      return new OpenAICompletionModel(modelId, checked, config);
    },
    embedding(modelId, options = {}) {
      return new OpenAIEmbedder(modelId, { ...config, ...options });
    },
  };
}

/** Whether a URL points at this machine (127.0.0.0/8, localhost, ::1): such endpoints may need no key. */
export function isLoopbackUrl(url: string | URL): boolean {
  let hostname: string;
  try {
    hostname = (typeof url === 'string' ? new URL(url) : url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (hostname.startsWith('[') && hostname.endsWith(']')) hostname = hostname.slice(1, -1);
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
