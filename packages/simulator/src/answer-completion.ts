import { estimateTokens, hash32, stableStringify } from '@treesynth/core/internal';
import { answerBenchmarkPrompt } from './answer-benchmark.js';
import {
  type AnswerOptions,
  type ApiErrorBody,
  type ContentFault,
  CREATED,
  invalidRequest,
  type SimulatorStage,
} from './answer-request.js';
import { corruptContent } from './simulator-faults.js';

/** An OpenAI `text_completion` object (`/v1/completions`). */
export interface TextCompletion {
  id: string;
  object: 'text_completion';
  created: number;
  model: string;
  system_fingerprint: string;
  choices: { index: number; text: string; logprobs: null; finish_reason: 'stop' | 'length' }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

export type CompletionRequestAnswer =
  | { status: 200; stage: SimulatorStage; completion: TextCompletion; fault?: 'truncated' }
  | { status: 400; error: ApiErrorBody };

/**
 * The simulator's answer to a `/completions` body: a shipped benchmark problem in the prompt is
 * answered as a base model continuing its few-shot prompt would (see `answerBenchmarkPrompt`);
 * anything else gets a short plain-text continuation saying it is simulated. Only the truncation
 * fault applies (there is no JSON to break).
 */
export function answerCompletionRequest(
  body: unknown,
  options: AnswerOptions = {},
  fault?: ContentFault,
): CompletionRequestAnswer {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalidRequest('the request body must be a JSON object');
  const request = body as Record<string, unknown>;
  const prompt =
    Array.isArray(request.prompt) && request.prompt.length === 1 ? request.prompt[0] : request.prompt;
  if (typeof prompt !== 'string' || prompt.length === 0)
    return invalidRequest('prompt must be a non-empty string');
  const model = typeof request.model === 'string' && request.model.length > 0 ? request.model : 'default';
  const benchmark = answerBenchmarkPrompt(prompt, 'completion', request, options);
  let text = benchmark ?? ' This is a simulated continuation from the TreeSynth LLM simulator.';
  const truncated = fault?.kind === 'truncated';
  if (truncated) text = corruptContent(text, 'truncated', fault.random);
  const key = stableStringify({
    simulator: options.seed ?? 0,
    prompt,
    seed: request.seed ?? null,
    model,
    temperature: request.temperature ?? null,
    stop: request.stop ?? null,
  });
  const promptTokens = estimateTokens(prompt.length);
  const completionTokens = estimateTokens(text);
  return {
    status: 200,
    stage: benchmark === undefined ? 'other' : 'benchmark',
    ...(truncated ? { fault: 'truncated' as const } : {}),
    completion: {
      id: `cmpl-sim-${hash32(`${key}:id`).toString(16).padStart(8, '0')}`,
      object: 'text_completion',
      created: CREATED,
      model: `simulated/${model}`,
      system_fingerprint: 'treesynth-simulator',
      choices: [{ index: 0, text, logprobs: null, finish_reason: truncated ? 'length' : 'stop' }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    },
  };
}
