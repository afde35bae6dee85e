/** A message in a chat conversation. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Ask the model for JSON that follows a JSON schema (OpenAI `response_format: json_schema`). */
export interface JsonSchemaResponseFormat {
  type: 'json_schema';
  /** Stable name of the schema; the simulator recognises TreeSynth's stages by it. */
  name: string;
  schema: Record<string, unknown>;
  strict?: boolean;
}

export interface ChatCallOptions {
  messages: ChatMessage[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Sampling seed sent to the endpoint where it supports one. */
  seed?: number;
  /** Stop sequences: the endpoint ends the answer before the first of them. */
  stop?: string[];
  responseFormat?: JsonSchemaResponseFormat;
  signal?: AbortSignal;
  /**
   * Identity of this call inside its run (stage, node, attempt). Two calls that differ only here are
   * different calls: it is part of the response-cache key, so a repeated request is not served a
   * cached twin.
   */
  callKey?: string;
  /** Which stage issued the call, for usage accounting. */
  stage?: string;
  /** Ask the endpoint again rather than serve a cached answer (the last one was unusable). */
  refresh?: boolean;
}

export interface ChatUsage {
  promptTokens: number;
  completionTokens: number;
  /** Prompt tokens the endpoint served from its prefix cache, where it reports them. */
  cachedPromptTokens?: number;
}

export interface ChatResult {
  text: string;
  usage: ChatUsage;
  finishReason?: string;
  /** The model id the endpoint says answered. */
  modelId?: string;
  /** True when the answer came from a response cache and no request was paid for. */
  cached?: boolean;
  /** Options the backend could not honour, and similar notes. Never an exception. */
  warnings?: string[];
}

/**
 * A chat model. Users do not call `doGenerate` directly: the engine calls it through `generateObject`,
 * which adds parsing, validation and bounded repair, and through middleware (retry, cache, usage).
 */
export interface ChatModel {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  doGenerate(options: ChatCallOptions): Promise<ChatResult>;
}

/** Cross-cutting behaviour around a chat model: each hook optional. */
export interface ChatModelMiddleware {
  /** Change the options before the call. */
  transformOptions?: (options: ChatCallOptions) => ChatCallOptions | Promise<ChatCallOptions>;
  /** Wrap the call itself (retry, cache, rate limit, accounting). */
  wrapGenerate?: (args: {
    doGenerate: (options: ChatCallOptions) => Promise<ChatResult>;
    options: ChatCallOptions;
    model: ChatModel;
  }) => Promise<ChatResult>;
}
