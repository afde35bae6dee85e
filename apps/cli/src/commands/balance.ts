import { balanceDataset } from '@treesynth/balance';
import { ConfigError } from '@treesynth/core';
import { writeReport } from '@treesynth/eval';
import { balanceModels } from '../balance-models.js';
import { balanceReportInput } from '../balance-report.js';
import { formatBalanceSummary } from '../balance-summary.js';
import {
  defineCommand,
  integerOption,
  numberOption,
  type OptionSpec,
  type ParsedValues,
  stringOption,
  wholeNumber,
} from '../command.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
import { createProgressReporter } from '../progress.js';
import { JOB_OPTIONS, numberFlag } from './job-options.js';

const BALANCE_OPTIONS = {
  data: {
    type: 'string',
    value: '<file>',
    description: 'the dataset: JSONL (one object a line) or a JSON array',
  },
  field: {
    type: 'string',
    value: '<name>',
    description: 'the field of each row that holds the text, e.g. question',
  },
  task: {
    ...JOB_OPTIONS.task,
    description: `${JOB_OPTIONS.task.description}: builds the tree (stage one only) in <out>/tree`,
  },
  description: JOB_OPTIONS.description,
  requirement: JOB_OPTIONS.requirement,
  tree: {
    type: 'string',
    value: '<file|dir>',
    description:
      'use this tree.json (or run folder) instead of building one; its task comes from the run.json beside it or --task',
  },
  router: {
    type: 'string',
    value: '<kind>',
    description:
      'embedding (fast, offline), llm (one call per row and level), hybrid (LLM where the embedding margin is small)',
    default: 'embedding',
  },
  margin: {
    type: 'string',
    value: '<x>',
    description: 'hybrid: ask the LLM where the embedding margin is below this (default 0.05)',
  },
  target: {
    type: 'string',
    value: '<t>',
    description:
      'rows per leaf: uniform (the routed rows spread evenly), paper (∝ 10·5^k, k infinite steps), N (N rows spread evenly), or a JSON file of per-leaf counts',
    default: 'uniform',
  },
  out: {
    type: 'string',
    value: '<dir>',
    description: 'output folder (default: runs/balance-<data file name>)',
  },
  'dry-run': {
    type: 'boolean',
    description: 'route and plan only: write plan.json and routes.jsonl, synthesize nothing',
  },
  'max-synthesized': {
    type: 'string',
    value: '<n>',
    description: 'synthesize at most this many samples in all',
  },
  'max-synthesized-per-leaf': {
    type: 'string',
    value: '<n>',
    description: 'synthesize at most this many samples in one leaf',
  },
  embedder: {
    type: 'string',
    value: '<spec>',
    description: 'hashing[:dims], glove-sif, use-lite, transformers[:model], openai:<model>',
    default: 'hashing',
  },
  model: {
    type: 'string',
    value: '<id>',
    description: 'model id at the endpoint (default: the built-in simulated LLM, offline)',
  },
  'base-url': JOB_OPTIONS['base-url'],
  rpm: JOB_OPTIONS.rpm,
  tpm: JOB_OPTIONS.tpm,
  depth: JOB_OPTIONS.depth,
  pivots: JOB_OPTIONS.pivots,
  'samples-per-call': JOB_OPTIONS['samples-per-call'],
  concurrency: JOB_OPTIONS.concurrency,
  seed: JOB_OPTIONS.seed,
  'timeout-ms': JOB_OPTIONS['timeout-ms'],
  'max-attempts': JOB_OPTIONS['max-attempts'],
  'no-cache': {
    ...JOB_OPTIONS['no-cache'],
    description: 'do not keep model answers in <out>/cache (a rerun then pays again)',
  },
  json: JOB_OPTIONS.json,
  quiet: JOB_OPTIONS.quiet,
} satisfies Record<string, OptionSpec>;

function listOption(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

const REQUIRED = {
  data: 'which dataset? e.g. --data train.jsonl --field question',
  field: 'which field of each row holds the text? e.g. --field question',
} as const;

function required(values: ParsedValues, name: keyof typeof REQUIRED): string {
  const value = stringOption(values, name);
  if (value === undefined) throw new ConfigError({ path: `--${name}`, message: REQUIRED[name] });
  return value;
}

export const balanceCommand = defineCommand({
  name: 'balance',
  summary:
    'Route every row of an existing dataset to one leaf of a TreeSynth tree, then downsample crowded leaves and synthesize the shortfall of thin ones.',
  usage: 'treesynth balance --data <file> --field <name> (--task <name|file> | --tree <file|dir>) [options]',
  options: BALANCE_OPTIONS,
  notes: [
    'Writes to --out: balanced.jsonl (kept rows with every original field, then synthesized rows; provenance under "treesynth"),',
    'plan.json (per leaf: current, target, drop, synthesize; totals; router stats; unrouted and bad rows), routes.jsonl',
    '(one line per input row), report.html (leaf histograms before/after, entropy), and tree/, cache/ for reruns.',
    'The input file is only read. Bad rows are reported by line and left out. Without --model the built-in simulated',
    'LLM answers, offline. Rerunning the same command on the same --out pays for no LLM call twice.',
  ].join('\n'),
  examples: [
    'treesynth balance --data train.jsonl --field question --task gsm8k --depth 2 --out runs/balanced',
    'treesynth balance --data train.jsonl --field question --tree runs/gsm8k --target paper --dry-run',
    'OPENAI_API_KEY=... treesynth balance --data train.jsonl --field question --task gsm8k --model gpt-4o-mini --router hybrid --target 5000 --max-synthesized 2000',
    'treesynth balance --data train.jsonl --field question --tree runs/gsm8k/tree.json --task gsm8k --target counts.json',
  ],
  async run(values) {
    const interrupt = interruptSignal();
    const quiet = values.quiet === true;
    const seed = numberFlag(values, 'seed') ?? 0;
    const models = balanceModels({
      model: stringOption(values, 'model'),
      baseURLs: listOption(values['base-url']),
      embedder: stringOption(values, 'embedder'),
      requestsPerMinute: numberFlag(values, 'rpm'),
      tokensPerMinute: numberFlag(values, 'tpm'),
      timeoutMs: numberFlag(values, 'timeout-ms'),
      maxAttempts: numberFlag(values, 'max-attempts'),
      seed,
      env: process.env,
    });
    const reporter = createProgressReporter({
      quiet,
      label: models.model.simulated ? 'treesynth balance (simulated LLM)' : 'treesynth balance',
    });
    let stopped = false;
    const stop = () => {
      if (!stopped) reporter.stop();
      stopped = true;
    };
    try {
      const result = await balanceDataset({
        data: required(values, 'data'),
        field: required(values, 'field'),
        task: stringOption(values, 'task'),
        description: stringOption(values, 'description'),
        requirements: listOption(values.requirement),
        tree: stringOption(values, 'tree'),
        router: stringOption(values, 'router'),
        // Its range is the options schema's to check.
        marginThreshold: numberOption(values, 'margin'),
        target: stringOption(values, 'target'),
        out: stringOption(values, 'out'),
        dryRun: values['dry-run'] === true,
        embedder: models.embedder,
        model: models.model,
        seed,
        cache: values['no-cache'] !== true,
        depth: numberFlag(values, 'depth'),
        pivots: numberFlag(values, 'pivots'),
        samplesPerCall: numberFlag(values, 'samples-per-call'),
        concurrency: numberFlag(values, 'concurrency'),
        maxSynthesized: integerOption(values, 'max-synthesized', wholeNumber(0)),
        maxSynthesizedPerLeaf: integerOption(values, 'max-synthesized-per-leaf', wholeNumber(0)),
        writeReport: (file, input) => writeReport(file, balanceReportInput(input)),
        secrets: [process.env.OPENAI_API_KEY],
        signal: interrupt.signal,
        logger: reporter.logger,
        onProgress: reporter.update,
      });
      stop();
      process.stdout.write(
        values.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatBalanceSummary(result),
      );
      return EXIT.ok;
    } catch (error) {
      if (!interrupt.signal.aborted) throw error;
      stop();
      process.stderr.write(
        'treesynth: balance interrupted; run the same command again to finish it (answers already received come from the cache)\n',
      );
      return EXIT.interrupted;
    } finally {
      stop();
      await models.close();
      interrupt.dispose();
    }
  },
});
