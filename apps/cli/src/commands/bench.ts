import { ConfigError } from '@treesynth/core';
import { compareBench } from '@treesynth/eval';
import {
  type BenchOnEndpointOptions,
  benchOnEndpoint,
  benchOnEndpointOptionsSchema,
} from '@treesynth/experiment';
import { defineCommand, type OptionSpec, OUTPUT_OPTIONS, type ParsedValues } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { flagNamer, flagValues, schemaFlags, switchFlag } from '../flags.js';
import { printResult, runJob } from '../job.js';

const FIELDS = benchOnEndpointOptionsSchema.shape;

const BENCH_OPTIONS = {
  ...schemaFlags(FIELDS, {
    model: {},
    'base-url': {},
    out: {},
    benchmarks: { value: '<list>', commas: true },
  }),
  chat: switchFlag('ask /v1/chat/completions (instruct models; the default)'),
  completion: switchFlag('ask /v1/completions, few-shot, with stops (base models)'),
  ...schemaFlags(FIELDS, ['shots', 'samples', 'temperature', 'max-tokens', 'max-problems', 'concurrency']),
  ...schemaFlags(FIELDS, ['seed', 'timeout-ms', 'max-attempts', 'rpm', 'tpm']),
  ...schemaFlags(FIELDS, { k: { value: '<list>', commas: 'numbers' }, sanitized: {} }),
  'no-cache': switchFlag('keep no answers in <out>/cache (a rerun pays again)'),
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;

async function evaluate(values: ParsedValues): Promise<number> {
  if (values.chat === true && values.completion === true)
    throw new ConfigError({ path: '--completion', message: 'choose --chat or --completion, not both' });
  const options = flagValues<BenchOnEndpointOptions>(values, BENCH_OPTIONS);
  return runJob(values, 'treesynth bench', async ({ signal, logger, stopProgress }) => {
    const result = await benchOnEndpoint({
      ...options,
      mode: values.completion === true ? 'completion' : 'chat',
      cache: values['no-cache'] !== true,
      optionName: flagNamer({ options: BENCH_OPTIONS }),
      signal,
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

export const command = defineCommand({
  name: 'bench',
  summary: 'Evaluate a model on GSM8K, MATH, HumanEval and MBPP, or compare result folders.',
  usage:
    'treesynth bench --model <id> --base-url <url> --out <dir> [options]\n       treesynth bench compare <dir>... [--json]',
  options: BENCH_OPTIONS,
  args: ['[compare]', '[<dir>...]'],
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
    const comparison = compareBench({ dirs: positionals.slice(1) });
    printResult(values, comparison.rows, () => comparison.table);
    return EXIT.ok;
  },
});
