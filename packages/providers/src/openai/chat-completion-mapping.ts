import { ApiCallError, type ChatCallOptions, type ChatResult } from '@treesynth/core';

/** The `/chat/completions` body for a call: shared by live requests and batch files. */
export function chatRequestBody(
  modelId: string,
  options: Pick<
    ChatCallOptions,
    'messages' | 'temperature' | 'topP' | 'maxTokens' | 'seed' | 'stop' | 'responseFormat'
  >,
  settings: { useSchema: boolean; extraBody?: Record<string, unknown> },
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...settings.extraBody,
    model: modelId,
    messages: options.messages.map((message) => ({ role: message.role, content: message.content })),
    stream: false,
  };
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.topP !== undefined) body.top_p = options.topP;
  if (options.maxTokens !== undefined) body.max_tokens = options.maxTokens;
  if (options.seed !== undefined) body.seed = options.seed;
  if (options.stop !== undefined && options.stop.length > 0) body.stop = options.stop;
  const format = options.responseFormat;
  if (format && settings.useSchema) {
    body.response_format = {
      type: 'json_schema',
      json_schema: {
        name: format.name,
        schema: format.schema,
        ...(format.strict === undefined ? {} : { strict: format.strict }),
      },
    };
  }
  return body;
}

interface CompletionLike {
  model?: string;
  choices?: Array<{
    message?: { content?: string | null; refusal?: string | null };
    finish_reason?: string | null;
  }>;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number } | null;
  } | null;
}

/** A chat.completion object (live answer or batch result body) as a `ChatResult`. */
export function chatResultFromCompletion(
  response: unknown,
  context: { modelId: string; url: string },
): ChatResult {
  const completion = response as CompletionLike | undefined;
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  if (!choice) {
    throw new ApiCallError({
      message: `${context.url} answered without any choice`,
      isRetryable: true,
      url: context.url,
    });
  }
  const warnings: string[] = [];
  if (choice.message?.refusal) warnings.push(`the model refused: ${choice.message.refusal}`);
  const usage = completion?.usage;
  const cached = usage?.prompt_tokens_details?.cached_tokens;
  const result: ChatResult = {
    text: choice.message?.content ?? '',
    usage: {
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
      ...(typeof cached === 'number' ? { cachedPromptTokens: cached } : {}),
    },
    modelId: completion?.model ?? context.modelId,
  };
  if (choice.finish_reason) result.finishReason = choice.finish_reason;
  if (!usage) warnings.push('the endpoint reported no token usage');
  if (warnings.length > 0) result.warnings = warnings;
  return result;
}
