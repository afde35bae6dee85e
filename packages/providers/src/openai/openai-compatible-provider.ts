import { ConfigError, formatZodError } from '@treesynth/core';
import { OpenAIEmbedder } from '../embedding/openai-embedder.js';
import { OpenAIChatModel } from './openai-chat-model.js';
import {
  type OpenAIChatModelId,
  type OpenAIChatOptionsInput,
  openaiChatOptionsSchema,
} from './openai-chat-options.js';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** Sent to loopback servers that need no key (vLLM, llama.cpp, Ollama, the simulator). */
const NO_KEY_PLACEHOLDER = 'no-key-required';

export interface OpenAICompatibleSettings {
  /** Endpoint base URL, e.g. `http://127.0.0.1:8000/v1`. Default: `OPENAI_BASE_URL`, else OpenAI. */
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
  /** The base URL the models call, as given (credentials, if any, are never printed). */
  readonly baseURL: string;
  /** A chat model served by this endpoint. Throws `ConfigError` for invalid options. */
  chat(modelId: OpenAIChatModelId, options?: OpenAIChatOptionsInput): OpenAIChatModel;
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
  const baseURL = (
    nonEmpty(settings.baseURL) ??
    nonEmpty(process.env.OPENAI_BASE_URL) ??
    DEFAULT_OPENAI_BASE_URL
  ).replace(/\/+$/, '');
  let parsed: URL;
  try {
    parsed = new URL(baseURL);
  } catch {
    throw new ConfigError({
      path: settings.baseURL ? 'baseURL' : 'OPENAI_BASE_URL',
      message: `not a URL: ${JSON.stringify(baseURL)}`,
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigError({
      path: settings.baseURL ? 'baseURL' : 'OPENAI_BASE_URL',
      message: `expected an http(s) URL, got ${parsed.protocol}`,
    });
  }
  const apiKey = nonEmpty(settings.apiKey) ?? nonEmpty(process.env.OPENAI_API_KEY);
  if (apiKey === undefined && !isLoopbackUrl(parsed)) {
    throw new ConfigError({
      path: 'OPENAI_API_KEY',
      message: `no API key for ${parsed.origin}; set OPENAI_API_KEY in the environment or pass apiKey`,
    });
  }
  const name = settings.name ?? 'openai-compatible';
  const config = {
    provider: name,
    baseURL,
    apiKey: apiKey ?? NO_KEY_PLACEHOLDER,
    headers: settings.headers,
    fetch: settings.fetch,
  };
  return {
    name,
    baseURL,
    chat(modelId, options = {}) {
      const checked = openaiChatOptionsSchema.safeParse(options);
      if (!checked.success) {
        const { path, message } = formatZodError(checked.error);
        throw new ConfigError({ path: path ? `chat options.${path}` : 'chat options', message });
      }
      return new OpenAIChatModel(modelId, checked.data, config);
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
