import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { parseOptions } from '@treesynth/core/internal';
import { compareBench, formatBenchProgress, runBench, runBenchOptionsSchema } from '@treesynth/eval';
import {
  callStackOptionsSchema,
  createCompletionModelStack,
  createModelStack,
  resolveBaseURLs,
} from '@treesynth/providers';
import { defineCommand, type ParsedValues, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printResult, runJob } from '../job.js';
import { schemaNumber, schemaOption } from '../schema-options.js';

const BENCH = runBenchOptionsSchema.shape;
const CALLS = callStackOptionsSchema.shape;
/** Number flags and the option schema each fills (the one source of its bounds). */
const NUMBERS = {
  shots: BENCH.shots,
  samples: BENCH.samples,
  temperature: BENCH.temperature,
  'max-tokens': BENCH.maxTokens,
  'max-problems': BENCH.maxProblems,
  concurrency: BENCH.concurrency,
  seed: BENCH.seed,
  'timeout-ms': CALLS.timeoutMs,
  'max-attempts': CALLS.maxAttempts,
  rpm: CALLS.requestsPerMinute,
  tpm: CALLS.tokensPerMinute,
} as const;

/** A comma-separated flag as a list (`--k 1,10`); a repeatable one may also be given several times. */
function list(values: ParsedValues, flag: string): string[] | undefined {
  const raw = values[flag];
  if (raw === undefined || typeof raw === 'boolean') return undefined;
  return (Array.isArray(raw) ? raw : [raw])
    .flatMap((item) => String(item).split(','))
    .map((item) => item.trim())
    .filter(Boolean);
}

async function evaluate(values: ParsedValues): Promise<number> {
  const number = (flag: keyof typeof NUMBERS) => schemaNumber(values, flag, NUMBERS[flag]);
  const [modelId, out] = [stringOption(values, 'model'), stringOption(values, 'out')];
  if (!modelId) throw new ConfigError({ path: '--model', message: 'which model? e.g. --model gpt-4o-mini' });
  if (!out) throw new ConfigError({ path: '--out', message: 'where do the results go? e.g. --out bench/m' });
  if (values.chat === true && values.completion === true)
    throw new ConfigError({ path: '--completion', message: 'choose --chat or --completion, not both' });
  const mode = values.completion === true ? 'completion' : 'chat';
  // Checked before the endpoint is called: a misspelt benchmark costs nothing.
  const benchmarks = parseOptions(BENCH.benchmarks, list(values, 'benchmarks'), () => '--benchmarks');
  const whole = (item: string) => (/^\d+$/.test(item) ? Number(item) : item);
  const k = parseOptions(BENCH.k, list(values, 'k')?.map(whole), () => '--k');
  const [baseURL] = resolveBaseURLs({ baseURLs: list(values, 'base-url'), env: process.env });
  return runJob(values, 'treesynth bench', async ({ signal, logger, stopProgress }) => {
    const stack = {
      modelId,
      baseURLs: [baseURL!],
      apiKey: process.env.OPENAI_API_KEY || undefined,
      signal,
      ...(values['no-cache'] === true ? {} : { cacheDir: join(out, 'cache') }),
      requestsPerMinute: number('rpm'),
      tokensPerMinute: number('tpm'),
      timeoutMs: number('timeout-ms'),
      maxAttempts: number('max-attempts'),
      logger,
      limitNames: { requestsPerMinute: '--rpm', tokensPerMinute: '--tpm' },
    };
    let printedAt = 0;
    const result = await runBench({
      ...(mode === 'chat'
        ? { model: await createModelStack(stack) }
        : { completionModel: await createCompletionModelStack(stack) }),
      modelName: modelId,
      baseURL,
      mode,
      benchmarks,
      k,
      shots: number('shots'),
      samples: number('samples'),
      temperature: number('temperature'),
      maxTokens: number('max-tokens'),
      maxProblems: number('max-problems'),
      sanitized: values.sanitized === true,
      concurrency: number('concurrency'),
      seed: number('seed'),
      out,
      signal,
      onProgress: (progress) => {
        const finished = progress.done + progress.failed >= progress.total;
        if (!finished && Date.now() - printedAt < 2000) return;
        printedAt = Date.now();
        logger.info(formatBenchProgress(progress));
      },
      logger,
    });
    stopProgress();
    printResult(values, result.summary, () => result.table);
    if (result.failed === 0) return EXIT.ok;
    process.stderr.write(
      `treesynth: ${result.failed} problems failed after their retries (${result.firstError}); run the same command again to ask them again\n`,
    );
    return EXIT.failed;
  });
}

export const benchCommand = defineCommand({
  name: 'bench',
  summary: 'Evaluate a model on GSM8K, MATH, HumanEval and MBPP, or compare result folders.',
  usage:
    'treesynth bench --model <id> --base-url <url> --out <dir> [options]\n       treesynth bench compare <dir>... [--json]',
  options: {
    model: { type: 'string', value: '<id>', description: 'model id at the endpoint', option: 'modelId' },
    'base-url': {
      type: 'string',
      value: '<url>',
      description: 'endpoint (default: $OPENAI_BASE_URL or OpenAI)',
      option: 'baseURLs',
    },
    out: schemaOption(BENCH.out, { value: '<dir>' }),
    benchmarks: schemaOption(BENCH.benchmarks, { value: '<list>', default: 'gsm8k,math,humaneval,mbpp' }),
    chat: { type: 'boolean', description: 'ask /v1/chat/completions (instruct models; the default)' },
    completion: { type: 'boolean', description: 'ask /v1/completions, few-shot, with stops (base models)' },
    ...Object.fromEntries(Object.entries(NUMBERS).map(([flag, schema]) => [flag, schemaOption(schema)])),
    k: schemaOption(BENCH.k, { value: '<list>' }),
    sanitized: schemaOption(BENCH.sanitized),
    'no-cache': { type: 'boolean', description: 'keep no answers in <out>/cache (a rerun pays again)' },
    json: { type: 'boolean', description: 'print the summary (or the comparison) as JSON' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr' },
  },
  notes: [
    'The key is read from OPENAI_API_KEY (never written anywhere); loopback endpoints need none.',
    '<out> gets <benchmark>.jsonl (every output, extracted answer, verdict and test run), summary.json,',
    'summary.md and bench.json; run the same command again to continue where it stopped. See docs/bench.md.',
  ].join('\n'),
  examples: [
    'treesynth bench --model gpt-4o-mini --out bench/gpt-4o-mini --max-problems 100',
    'treesynth bench --completion --model Qwen/Qwen2.5-7B --base-url http://127.0.0.1:8000/v1 --samples 10 --k 1,10 --out bench/qwen-base',
    'treesynth bench compare bench/gpt-4o-mini bench/qwen-base',
  ],
  async run(values, positionals) {
    if (positionals.length === 0) return evaluate(values);
    if (positionals[0] !== 'compare')
      throw new ConfigError({ path: '<subcommand>', message: `expected "compare", got "${positionals[0]}"` });
    const comparison = compareBench({ dirs: positionals.slice(1) });
    process.stdout.write(
      values.json === true ? `${JSON.stringify(comparison.rows, null, 2)}\n` : comparison.table,
    );
    return EXIT.ok;
  },
});
