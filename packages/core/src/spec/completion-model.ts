import type { ChatResult } from './chat-model.js';

/** One call to a text-completion endpoint (OpenAI `/v1/completions`), as base models are asked. */
export interface CompletionCallOptions {
  /** The whole prompt; the model continues it. */
  prompt: string;
  /** The model stops before the first of these (the endpoint cuts them off). */
  stop?: string[];
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  /** Sampling seed sent to the endpoint where it supports one. */
  seed?: number;
  signal?: AbortSignal;
  /** Identity of this call inside its job; part of the response-cache key (see `ChatCallOptions`). */
  callKey?: string;
  /** Which job step issued the call, for usage accounting. */
  stage?: string;
  /** Ask the endpoint again rather than serve a cached answer. */
  refresh?: boolean;
}

/**
 * A text-completion model: a base model continuing a prompt. Its answer has the chat result's shape
 * (text, usage, finish reason, cached), so the same accounting reads both.
 */
export interface CompletionModel {
  readonly specificationVersion: 'v1';
  readonly provider: string;
  readonly modelId: string;
  doComplete(options: CompletionCallOptions): Promise<ChatResult>;
}
