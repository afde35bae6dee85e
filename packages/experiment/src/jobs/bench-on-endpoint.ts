import { join } from 'node:path';
import { callLimitsSchema, type OptionNamer } from '@treesynth/core';
import { checkOutputPath, parseOptions } from '@treesynth/core/internal';
import {
  type BenchProgress,
  type BenchResult,
  formatBenchProgress,
  runBench,
  runBenchOptionsSchema,
} from '@treesynth/eval';
import { checkPassAtK } from '@treesynth/eval/internal';
import {
  callStackOptionsSchema,
  createCompletionModelStack,
  createModelStack,
  endpointSourceSchema,
  resolveBaseURLs,
} from '@treesynth/providers';
import { z } from 'zod';

// runBench's options but the models it is handed: benchOnEndpoint builds those from the endpoint.
const {
  model: _model,
  completionModel: _completionModel,
  modelName: _name,
  baseURL: _baseURL,
  ...BENCH
} = runBenchOptionsSchema.shape;
const CALLS = callStackOptionsSchema.shape;

/** `runBench`'s options, with the model given by where it is served and how its calls are made. */
export const benchOnEndpointOptionsSchema = z
  .object({
    modelId: z.string({ error: 'which model? e.g. gpt-4o-mini' }).min(1).describe('model id at the endpoint'),
    ...BENCH,
    out: z
      .string({ error: 'where do the results go? e.g. bench/gpt-4o-mini' })
      .min(1)
      .describe(BENCH.out.description!),
    /** Several serving one chat model are load-balanced; a completion model is asked at one. */
    baseURLs: endpointSourceSchema.shape.baseURLs.describe('endpoint (default: $OPENAI_BASE_URL or OpenAI)'),
    apiKey: endpointSourceSchema.shape.apiKey,
    env: endpointSourceSchema.shape.env,
    ...callLimitsSchema.shape,
    timeoutMs: CALLS.timeoutMs,
    maxAttempts: CALLS.maxAttempts,
    cache: z
      .boolean()
      .default(true)
      .describe('keep model answers in <out>/cache, so a rerun pays for no call twice'),
    progressEveryMs: z
      .number()
      .int()
      .min(0)
      .default(2000)
      .describe('a progress line on the logger at most this often, and at the end of each benchmark'),
    /** How errors and rate-limit notices name options (e.g. a CLI's flags); default the option's name. */
    optionName: z.custom<OptionNamer>((value) => typeof value === 'function').optional(),
  })
  .superRefine(checkPassAtK);

export type BenchOnEndpointOptions = z.input<typeof benchOnEndpointOptionsSchema>;

/** A list option's error names the option; the message says which item was wrong. */
const LIST_OPTIONS = /^(benchmarks|k|baseURLs)\[\d+\]$/;

/**
 * A benchmark run against an OpenAI-compatible endpoint, as `treesynth bench` makes it: the chat model
 * (or, in completion mode, the base model at /v1/completions) checked at its endpoint, its calls
 * through the response cache in `<out>/cache`, rate limits and retries, then `runBench`. Every option,
 * the endpoint's URL and the result folder are checked before the endpoint is called. The key is
 * `apiKey`, else OPENAI_API_KEY of `env` (default `process.env`); it is never written.
 *
 * ```ts
 * const { summary, table } = await benchOnEndpoint({ modelId: 'gpt-4o-mini', out: 'bench/gpt-4o-mini', maxProblems: 100 });
 * ```
 */
export async function benchOnEndpoint(input: BenchOnEndpointOptions): Promise<BenchResult> {
  const name = typeof input.optionName === 'function' ? input.optionName : (option: string) => option;
  const options = parseOptions(benchOnEndpointOptionsSchema, input, (path) =>
    name(path.replace(LIST_OPTIONS, '$1')),
  );
  const {
    modelId,
    baseURLs: given,
    apiKey,
    env = process.env,
    cache,
    progressEveryMs,
    optionName: _,
    ...rest
  } = options;
  const { timeoutMs, maxAttempts, requestsPerMinute, tokensPerMinute, onProgress, ...bench } = rest;
  const baseURLs = resolveBaseURLs({ baseURLs: given, env });
  checkOutputPath(bench.out, { flag: name('out'), kind: 'folder' });
  const stack = {
    modelId,
    baseURLs,
    apiKey: apiKey ?? (env.OPENAI_API_KEY || undefined),
    signal: bench.signal,
    ...(cache ? { cacheDir: join(bench.out, 'cache') } : {}),
    requestsPerMinute,
    tokensPerMinute,
    timeoutMs,
    maxAttempts,
    logger: bench.logger,
    limitNames: { requestsPerMinute: name('requestsPerMinute'), tokensPerMinute: name('tokensPerMinute') },
  };
  let toldAt = Number.NEGATIVE_INFINITY;
  return runBench({
    ...bench,
    ...(bench.mode === 'chat'
      ? { model: await createModelStack(stack) }
      : { completionModel: await createCompletionModelStack(stack) }),
    modelName: modelId,
    baseURL: baseURLs[0],
    onProgress: (progress: BenchProgress) => {
      onProgress?.(progress);
      const finished = progress.done + progress.failed >= progress.total;
      if (!finished && Date.now() - toldAt < progressEveryMs) return;
      toldAt = Date.now();
      bench.logger?.info(formatBenchProgress(progress));
    },
  });
}
