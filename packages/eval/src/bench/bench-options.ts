import type { ChatModel, CompletionModel, Logger } from '@treesynth/core';
import { z } from 'zod';
import type { CodeSandbox } from '../sandbox/execution-result.js';
import { BENCHMARK_NAMES, type BenchmarkDefinition, type BenchmarkName } from './benchmark.js';

/** Progress of a bench run, told after every problem. */
export interface BenchProgress {
  benchmark: BenchmarkName;
  /** Problems of this benchmark with a record (earlier runs of the folder included). */
  done: number;
  total: number;
  /** Model calls made so far in this process; `cachedCalls` of them were answered by the response cache. */
  calls: number;
  cachedCalls: number;
  failed: number;
  elapsedMs: number;
}

/** A progress line: `12.3s  gsm8k 40/1319  calls 52 (12 cached)`. */
export function formatBenchProgress(progress: BenchProgress): string {
  const seconds = (progress.elapsedMs / 1000).toFixed(1);
  const failed = progress.failed > 0 ? ` (${progress.failed} failed)` : '';
  const cached = progress.cachedCalls > 0 ? ` (${progress.cachedCalls} cached)` : '';
  return `${seconds}s  ${progress.benchmark} ${progress.done}/${progress.total}${failed}  calls ${progress.calls}${cached}`;
}

const object = (value: unknown) => typeof value === 'object' && value !== null;

/** The options of `runBench`: the one source of its defaults and limits. Errors name the option. */
export const runBenchOptionsSchema = z
  .object({
    /** The chat model (chat mode), with its middleware (cache, retries) already around it. */
    model: z.custom<ChatModel>((value) => object(value) && 'doGenerate' in value).optional(),
    /** The completion model (completion mode). */
    completionModel: z.custom<CompletionModel>((value) => object(value) && 'doComplete' in value).optional(),
    /** Name of the model in the manifest and the tables; default the model's id. */
    modelName: z.string().min(1).optional(),
    /** The endpoint, for the manifest only; credentials are removed before it is written. */
    baseURL: z.string().optional(),
    mode: z
      .enum(['chat', 'completion'])
      .default('chat')
      .describe('chat endpoints (instruct models) or /v1/completions with few-shot prompts (base models)'),
    benchmarks: z
      .array(
        z.enum(BENCHMARK_NAMES, {
          error: (issue) =>
            `"${String(issue.input)}" is not a benchmark; expected one of ${BENCHMARK_NAMES.join(', ')}`,
        }),
      )
      .min(1)
      .default([...BENCHMARK_NAMES])
      .describe('benchmarks to run, comma-separated'),
    shots: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("few-shot examples (default: each benchmark's default for the mode)"),
    samples: z.number().int().min(1).max(1000).default(1).describe('outputs sampled per problem'),
    k: z
      .array(
        z
          .number({ error: (issue) => `expected whole numbers >= 1, got "${String(issue.input)}"` })
          .int({ error: (issue) => `expected whole numbers >= 1, got "${String(issue.input)}"` })
          .min(1, { error: (issue) => `expected whole numbers >= 1, got "${String(issue.input)}"` }),
      )
      .min(1)
      .optional()
      .describe('k values of pass@k, comma-separated (default: 1)'),
    temperature: z
      .number()
      .min(0)
      .max(2)
      .optional()
      .describe('sampling temperature (default 0, greedy; 0.8 with --samples above 1)'),
    maxTokens: z.number().int().min(1).max(1_000_000).default(1024).describe('tokens per answer at most'),
    maxProblems: z.number().int().min(1).optional().describe('only the first N problems of each benchmark'),
    sanitized: z
      .boolean()
      .default(false)
      .describe('MBPP: the hand-verified sanitized release (257 test-split tasks)'),
    concurrency: z.number().int().min(1).max(1024).default(8).describe('model calls in flight at once'),
    seed: z
      .number()
      .int()
      .min(0)
      .max(0xffff_ffff)
      .default(0)
      .describe('sample i of a problem is asked with seed + i'),
    out: z.string().min(1).describe('result folder; rerun with the same folder to continue'),
    /** Runs the programs of the code benchmarks; one is started (and closed) when not given. */
    sandbox: z.custom<CodeSandbox>((value) => object(value) && 'run' in value).optional(),
    /** Benchmark definitions by name, in place of the built-in ones (tests, custom scorers). */
    definitions: z.custom<Partial<Record<BenchmarkName, BenchmarkDefinition>>>(object).optional(),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
    onProgress: z
      .custom<(progress: BenchProgress) => void>((value) => typeof value === 'function')
      .optional(),
    logger: z.custom<Logger>(object).optional(),
  })
  .superRefine((options, context) => {
    if (options.mode === 'chat' && !options.model)
      context.addIssue({ code: 'custom', path: ['model'], message: 'chat mode needs a chat model' });
    if (options.mode === 'completion' && !options.completionModel)
      context.addIssue({
        code: 'custom',
        path: ['completionModel'],
        message: 'completion mode needs a completion model',
      });
    checkPassAtK(options, context);
  });

/** pass@k needs k samples per problem: the check of `runBench`'s options, for schemas built on them. */
export function checkPassAtK(
  options: { k?: readonly number[]; samples: number },
  context: Pick<z.RefinementCtx, 'addIssue'>,
): void {
  for (const k of options.k ?? [])
    if (k > options.samples)
      context.addIssue({
        code: 'custom',
        path: ['k'],
        message: `pass@${k} needs at least ${k} samples per problem (samples is ${options.samples})`,
      });
}

export type RunBenchOptions = z.input<typeof runBenchOptionsSchema>;
export type ParsedRunBenchOptions = z.output<typeof runBenchOptionsSchema>;

/** The sampling temperature a run uses: the option, else 0 (greedy), or 0.8 with several samples. */
export function benchTemperature(options: Pick<ParsedRunBenchOptions, 'temperature' | 'samples'>): number {
  return options.temperature ?? (options.samples > 1 ? 0.8 : 0);
}
