import { z } from 'zod';

/** Model ids with autocomplete; any other id an endpoint serves is accepted too. */
export type OpenAIChatModelId = 'gpt-4o-mini' | 'gpt-4o' | (string & {});

/** Options of one OpenAI-compatible chat model (`provider.chat(id, options)`). */
export const openaiChatOptionsSchema = z
  .object({
    /** Time one HTTP request may take before it fails as a retryable timeout. */
    timeoutMs: z.number().int().positive().default(300_000),
    /**
     * Send `response_format: json_schema` when a call asks for structured output. When false, or after
     * the endpoint rejected it once, the schema goes into the prompt instead.
     */
    structuredOutputs: z.boolean().default(true),
    /** Extra fields merged into every request body (vLLM's `chat_template_kwargs`, `top_k`, ...). */
    extraBody: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

/** The options as written by a user (defaults optional). */
export type OpenAIChatOptionsInput = z.input<typeof openaiChatOptionsSchema>;
/** The options after validation, defaults filled in. */
export type OpenAIChatOptions = z.output<typeof openaiChatOptionsSchema>;
