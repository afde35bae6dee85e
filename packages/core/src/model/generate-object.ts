import { z } from 'zod';
import { StructuredOutputError } from '../errors/structured-output-error.js';
import { extractJson } from '../json/extract-json.js';
import type { ChatCallOptions, ChatMessage, ChatResult } from '../spec/chat-model.js';
import type { StructuredRequest, StructuredResponse } from '../spec/stage.js';

export interface GenerateObjectOptions<T> extends StructuredRequest<T> {
  /** Performs one call; the engine passes its scheduled, accounted caller here. */
  generate: (options: ChatCallOptions) => Promise<ChatResult>;
  /** Extra calls allowed after an invalid answer, each told what was wrong. Default 1. */
  maxRepairs?: number;
}

const jsonSchemas = new WeakMap<z.ZodType, Record<string, unknown>>();

/** JSON schema for a zod type, in the draft OpenAI's structured outputs accept. Cached per schema object. */
export function toJsonSchema(schema: z.ZodType): Record<string, unknown> {
  let json = jsonSchemas.get(schema);
  if (!json) {
    json = z.toJSONSchema(schema, { target: 'draft-7', io: 'output' }) as Record<string, unknown>;
    delete json.$schema;
    jsonSchemas.set(schema, json);
  }
  return json;
}

/**
 * Ask for JSON matching a zod schema. Sends the schema as `response_format`; parses tolerantly
 * (endpoints that ignore the format wrap JSON in prose); on an invalid answer, asks again with the
 * validation error, at most `maxRepairs` times, then throws `StructuredOutputError`.
 */
export async function generateObject<T>(options: GenerateObjectOptions<T>): Promise<StructuredResponse<T>> {
  const { generate, schema, schemaName, maxRepairs = 1, messages, ...callOptions } = options;
  const jsonSchema = toJsonSchema(schema);
  let conversation: ChatMessage[] = messages;
  let reason = '';
  let lastText = '';
  for (let attempt = 0; attempt <= maxRepairs; attempt++) {
    const result = await generate({
      ...callOptions,
      messages: conversation,
      callKey: attempt === 0 ? callOptions.callKey : `${callOptions.callKey ?? ''}#repair${attempt}`,
      responseFormat: { type: 'json_schema', name: schemaName, schema: jsonSchema, strict: true },
    });
    lastText = result.text;
    const value = extractJson(result.text);
    if (value === undefined) {
      reason = result.finishReason === 'length' ? 'the reply was cut off (length)' : 'the reply held no JSON';
    } else {
      const parsed = schema.safeParse(value);
      if (parsed.success) return { object: parsed.data, calls: attempt + 1 };
      reason = describeIssues(parsed.error);
    }
    conversation = [
      ...messages,
      { role: 'assistant', content: truncate(result.text, 4000) },
      {
        role: 'user',
        content: `That reply could not be used: ${reason}. Answer again with only a JSON value that follows the schema "${schemaName}".`,
      },
    ];
  }
  throw new StructuredOutputError({ schemaName, attempts: maxRepairs + 1, reason, lastText });
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

function truncate(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length)}…`;
}
