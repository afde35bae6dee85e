import {
  type BaselineRequest,
  PromptFormatError,
  readBaselineRequest,
  readSchemaHint,
  readStageRequest,
  type StageName,
  type StageRequest,
  staticPrefixLength,
} from '@treesynth/core';
import { createRandom, estimateTokens, hash32, stableStringify } from '@treesynth/core/internal';
import { answerBenchmarkPrompt, type BenchAnswerOptions } from './answer-benchmark.js';
import { answerBaseline } from './baseline-answers.js';
import { answerCuration, type CurationAnswerOptions, judgeCuration } from './curation-answers.js';
import { chooseRouteOption } from './route-answer.js';
import { type ContentFaultKind, corruptContent } from './simulator-faults.js';
import { chooseCriterion, completeValues, writeSamples } from './stage-answers.js';
import { worldForTask } from './world-for-task.js';

/**
 * What a request asked for: a stage, recognised by its structured-output schema name; a baseline's
 * request (docs/baselines.md); a shipped benchmark problem, recognised by its text; or anything else.
 */
export type SimulatorStage = StageName | BaselineRequest['kind'] | 'benchmark' | 'other';

export interface AnswerOptions extends BenchAnswerOptions, CurationAnswerOptions {
  /** Seed of the latent worlds. Default 0. */
  seed?: number;
  /** Chance that a criterion answer picks a large (open-ended) dimension while one is left. Default 0.15. */
  openEndedRate?: number;
}

/** An OpenAI `chat.completion` object. */
export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: {
    index: number;
    message: { role: 'assistant'; content: string; refusal: null };
    logprobs: null;
    /** `length` only on a simulated truncation fault. */
    finish_reason: 'stop' | 'length';
  }[];
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    total_tokens: number;
    prompt_tokens_details: { cached_tokens: number };
  };
}

/** An OpenAI-style error body. */
export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export type ChatRequestAnswer =
  | {
      status: 200;
      stage: SimulatorStage;
      completion: ChatCompletion;
      /** The content fault applied to this answer, if any. */
      fault?: ContentFaultKind;
    }
  | { status: 400; error: ApiErrorBody };

/** A content fault to inject into an answer, with the random source for its details. */
export interface ContentFault {
  kind: ContentFaultKind;
  random: () => number;
}

/** Every reply carries this creation time, so identical requests get byte-identical replies. */
export const CREATED = 1_735_689_600;
const PLAIN_REPLY =
  'This is a simulated reply from the TreeSynth LLM simulator; no language model was called.';
const DEFAULT_SAMPLE_COUNT = 10;
const MAX_SAMPLE_COUNT = 1000;

interface Message {
  role: string;
  content: string;
}

export function invalidRequest(message: string): { status: 400; error: ApiErrorBody } {
  return {
    status: 400,
    error: { error: { message, type: 'invalid_request_error', param: null, code: null } },
  };
}

/**
 * The simulator's answer to a `/chat/completions` body: a pure function of the simulator seed and the
 * request's messages, `seed`, model and temperature. Stage requests are answered from the task's
 * latent world; anything else gets a short plain-text reply.
 *
 * With `fault`, the answer's content is corrupted instead (see `corruptContent`). Malformed JSON and
 * schema violations apply only to structured stage answers; a plain-text reply can only be truncated,
 * so for it those two are ignored and `fault` is absent from the result.
 */
export function answerChatRequest(
  body: unknown,
  options: AnswerOptions = {},
  fault?: ContentFault,
): ChatRequestAnswer {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return invalidRequest('the request body must be a JSON object');
  }
  const request = body as Record<string, unknown>;
  const messages = readMessages(request.messages);
  if (!messages) {
    return invalidRequest('messages must be a non-empty array of {role, content} objects');
  }
  const model = typeof request.model === 'string' && request.model.length > 0 ? request.model : 'default';
  const key = stableStringify({
    simulator: options.seed ?? 0,
    messages,
    seed: request.seed ?? null,
    model,
    temperature: request.temperature ?? null,
  });
  const random = createRandom(hash32(key));
  const schema = readSchema(request.response_format, messages);
  let stageRequest: StageRequest | undefined;
  let baselineRequest: BaselineRequest | undefined;
  try {
    stageRequest = schema && readStageRequest(messages, schema.name);
    baselineRequest = schema && !stageRequest ? readBaselineRequest(messages, schema.name) : undefined;
  } catch (error) {
    if (PromptFormatError.isInstance(error)) return invalidRequest(error.message);
    throw error;
  }
  const lastUser = messages.filter((message) => message.role === 'user').at(-1)?.content ?? '';
  const structured = stageRequest ?? baselineRequest;
  const benchmark = structured ? undefined : answerBenchmarkPrompt(lastUser, 'chat', request, options);
  const stage =
    stageRequest?.stage ?? baselineRequest?.kind ?? (benchmark === undefined ? 'other' : 'benchmark');
  const content = stageRequest
    ? JSON.stringify(answerStage(stageRequest, messages, schema?.schema, random, options, request.seed))
    : baselineRequest
      ? JSON.stringify(
          answerBaseline(baselineRequest, worldForTask(baselineRequest.task, options.seed ?? 0), random),
        )
      : (benchmark ?? PLAIN_REPLY);
  const answer = completion(key, model, messages, content);
  if (fault && (structured !== undefined || fault.kind === 'truncated')) {
    return {
      status: 200,
      stage,
      completion: corruptCompletion(answer, fault.kind, fault.random),
      fault: fault.kind,
    };
  }
  return { status: 200, stage, completion: answer };
}

function answerStage(
  request: StageRequest,
  messages: readonly Message[],
  schema: unknown,
  random: () => number,
  options: AnswerOptions,
  requestSeed: unknown,
): unknown {
  const world = worldForTask(request.task, options.seed ?? 0);
  switch (request.stage) {
    case 'pivots':
    case 'leaf': {
      const fields = sampleFields(schema, request.fields);
      const count = Math.min(Math.max(request.count ?? DEFAULT_SAMPLE_COUNT, 1), MAX_SAMPLE_COUNT);
      return { samples: writeSamples(world, request.path, fields, count, random) };
    }
    case 'criterion':
      return chooseCriterion(
        world,
        {
          path: request.path,
          usedDimensions: request.usedDimensions,
          pivotTexts: request.pivots.map((pivot) => Object.values(pivot).join('\n')),
        },
        options.openEndedRate ?? 0.15,
        random,
      );
    case 'coverage':
      return completeValues(world, request.dimension, request.values);
    case 'route':
      return {
        value: chooseRouteOption(
          request.sample,
          request.options,
          messages.filter((message) => message.role === 'assistant').length,
        ),
      };
    case 'answer':
      return answerCuration(request, Number.isInteger(requestSeed) ? (requestSeed as number) : 0, options);
    case 'judge':
      return judgeCuration(request, options);
  }
}

function readMessages(value: unknown): Message[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const messages: Message[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) return undefined;
    const { role, content } = item as { role?: unknown; content?: unknown };
    if (typeof role !== 'string') return undefined;
    messages.push({ role, content: contentText(content) });
  }
  return messages;
}

/** Message content as text: a string, or the text parts of a content-part array. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (typeof part === 'object' && part !== null && 'text' in part ? String(part.text) : ''))
    .join('');
}

/** The schema name and body: from `response_format`, or from the hint sent when an endpoint refused it. */
function readSchema(
  format: unknown,
  messages: readonly Message[],
): { name: string; schema: unknown } | undefined {
  const jsonSchema = (format as { json_schema?: { name?: unknown; schema?: unknown } } | undefined)
    ?.json_schema;
  if (typeof jsonSchema?.name === 'string') return { name: jsonSchema.name, schema: jsonSchema.schema };
  const last = messages.filter((message) => message.role === 'user').at(-1);
  return last ? readSchemaHint(last.content) : undefined;
}

/** Field names: the sample schema's properties, else the prompt's Sample format section. */
function sampleFields(schema: unknown, format: readonly { name: string }[]): string[] {
  const properties = (
    schema as { properties?: { samples?: { items?: { properties?: unknown } } } } | undefined
  )?.properties?.samples?.items?.properties;
  if (typeof properties === 'object' && properties !== null) {
    const names = Object.keys(properties);
    if (names.length > 0) return names;
  }
  return format.map((field) => field.name);
}

/**
 * The reply object. Token counts are estimates (characters / 4); cached tokens estimate the static
 * prompt head (system message and task sections) that a prefix-caching endpoint would reuse.
 */
function completion(
  key: string,
  model: string,
  messages: readonly Message[],
  content: string,
): ChatCompletion {
  const promptTokens = estimateTokens(messages.reduce((total, message) => total + message.content.length, 0));
  const completionTokens = estimateTokens(content);
  return {
    id: `chatcmpl-sim-${hash32(`${key}:id`).toString(16).padStart(8, '0')}`,
    object: 'chat.completion',
    created: CREATED,
    model: `simulated/${model}`,
    system_fingerprint: 'treesynth-simulator',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: {
        cached_tokens: Math.min(promptTokens, estimateTokens(staticPrefixLength(messages))),
      },
    },
  };
}

/**
 * The completion with its content corrupted by a content fault. Token usage follows the new content;
 * a truncated answer ends with `finish_reason: length`, as a reply cut by `max_tokens` does.
 */
function corruptCompletion(
  answer: ChatCompletion,
  kind: ContentFaultKind,
  random: () => number,
): ChatCompletion {
  const choice = answer.choices[0]!;
  const content = corruptContent(choice.message.content, kind, random);
  const completionTokens = estimateTokens(content);
  return {
    ...answer,
    choices: [
      {
        ...choice,
        message: { ...choice.message, content },
        finish_reason: kind === 'truncated' ? 'length' : choice.finish_reason,
      },
    ],
    usage: {
      ...answer.usage,
      completion_tokens: completionTokens,
      total_tokens: answer.usage.prompt_tokens + completionTokens,
    },
  };
}
