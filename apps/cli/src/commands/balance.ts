import { ConfigError } from '@treesynth/core';
import { type BalanceResult, runBalance } from '../balance-job.js';
import {
  defineCommand,
  integerOption,
  type OptionSpec,
  type ParsedValues,
  stringOption,
  wholeNumber,
} from '../command.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
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

function formatNumber(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

/** The end-of-balance report for people; `--json` prints the result object instead. */
export function formatBalanceSummary(result: BalanceResult): string {
  const { totals, before, after } = result;
  const label = !result.simulated
    ? ''
    : result.dryRun
      ? ' (simulated LLM)'
      : ' (SIMULATED LLM: synthesized rows are placeholders, not model output)';
  const lines = [`balance ${result.dryRun ? 'planned (dry run)' : 'done'}${label}: ${result.dir}`];
  const bad =
    result.data.bad > 0
      ? `, ${result.data.bad} bad (lines ${result.data.badLines.slice(0, 5).join(', ')}${result.data.bad > 5 ? ', …' : ''})`
      : '';
  lines.push(
    `  rows: ${result.data.rows} read${bad}, ${totals.routed} routed, ${totals.unrouted} unrouted (router: ${result.router.kind}${result.router.embedder ? `, ${result.router.embedder}` : ''}${result.router.stats.llmCalls > 0 ? `, ${result.router.stats.llmCalls} LLM calls` : ''})`,
  );
  const arrow = result.dryRun ? '→ planned' : '→';
  lines.push(
    `  leaves covered: ${before.coveredLeaves} ${arrow} ${after.coveredLeaves} of ${before.leaves}; normalised leaf entropy: ${formatNumber(before.normalizedEntropy)} ${arrow} ${formatNumber(after.normalizedEntropy)}`,
  );
  lines.push(
    result.dryRun
      ? `  plan: keep ${totals.kept}, drop ${totals.dropped}, synthesize ${totals.synthesize}${totals.unfilled ? ` (${totals.unfilled} over the caps)` : ''}`
      : `  kept ${totals.kept}, dropped ${totals.dropped}, synthesized ${totals.synthesized} of ${totals.synthesize}: ${totals.out} rows out`,
  );
  if (result.shortLeaves > 0)
    lines.push(`  ${result.shortLeaves} leaves short of their target (see plan.json)`);
  lines.push(`  files: ${result.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

function marginOption(values: ParsedValues): number | undefined {
  const raw = stringOption(values, 'margin');
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 2) {
    throw new ConfigError({ path: '--margin', message: `expected a number from 0 to 2, got "${raw}"` });
  }
  return value;
}

function requiredData(values: ParsedValues): string {
  const data = stringOption(values, 'data');
  if (data === undefined)
    throw new ConfigError({
      path: '--data',
      message: 'which dataset? e.g. --data train.jsonl --field question',
    });
  return data;
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
    try {
      const baseURLs = values['base-url'];
      const requirements = values.requirement;
      const result = await runBalance({
        data: requiredData(values),
        field: stringOption(values, 'field'),
        task: stringOption(values, 'task'),
        description: stringOption(values, 'description'),
        requirements: Array.isArray(requirements) ? requirements : undefined,
        tree: stringOption(values, 'tree'),
        router: stringOption(values, 'router') ?? 'embedding',
        marginThreshold: marginOption(values),
        target: stringOption(values, 'target') ?? 'uniform',
        out: stringOption(values, 'out'),
        dryRun: values['dry-run'] === true,
        embedder: stringOption(values, 'embedder'),
        seed: numberFlag(values, 'seed') ?? 0,
        model: stringOption(values, 'model'),
        baseURLs: Array.isArray(baseURLs) ? baseURLs : undefined,
        requestsPerMinute: numberFlag(values, 'rpm'),
        tokensPerMinute: numberFlag(values, 'tpm'),
        timeoutMs: numberFlag(values, 'timeout-ms'),
        maxAttempts: numberFlag(values, 'max-attempts'),
        cache: values['no-cache'] !== true,
        depth: numberFlag(values, 'depth'),
        pivots: numberFlag(values, 'pivots'),
        samplesPerCall: numberFlag(values, 'samples-per-call'),
        concurrency: numberFlag(values, 'concurrency'),
        maxSynthesized: integerOption(values, 'max-synthesized', wholeNumber(0)),
        maxSynthesizedPerLeaf: integerOption(values, 'max-synthesized-per-leaf', wholeNumber(0)),
        quiet: values.quiet === true,
        env: process.env,
        signal: interrupt.signal,
      });
      process.stdout.write(
        values.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatBalanceSummary(result),
      );
      return EXIT.ok;
    } catch (error) {
      if (!interrupt.signal.aborted) throw error;
      process.stderr.write(
        'treesynth: balance interrupted; run the same command again to finish it (answers already received come from the cache)\n',
      );
      return EXIT.interrupted;
    } finally {
      interrupt.dispose();
    }
  },
});
