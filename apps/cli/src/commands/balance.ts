import { balanceDataset, balanceOptionsSchema, formatBalanceSummary } from '@treesynth/balance';
import { ConfigError, createProgressReporter } from '@treesynth/core';
import { balanceReportInput, writeReport } from '@treesynth/eval';
import { balanceModels } from '../balance-models.js';
import { defineCommand, type OptionSpec, type ParsedValues, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
import { schemaNumber, schemaOption } from '../schema-options.js';
import { JOB_OPTIONS, numberFlag } from './job-options.js';

const FIELDS = balanceOptionsSchema.shape;

const BALANCE_OPTIONS = {
  data: schemaOption(FIELDS.data, { value: '<file>' }),
  field: schemaOption(FIELDS.field, { value: '<name>' }),
  task: {
    ...JOB_OPTIONS.task,
    description: `${JOB_OPTIONS.task.description}: builds the tree (stage one only) in <out>/tree`,
  },
  description: JOB_OPTIONS.description,
  requirement: JOB_OPTIONS.requirement,
  tree: schemaOption(FIELDS.tree, { value: '<file|dir>' }),
  router: schemaOption(FIELDS.router, { value: '<kind>' }),
  margin: schemaOption(FIELDS.marginThreshold, { value: '<x>' }),
  target: schemaOption(FIELDS.target, { value: '<t>' }),
  out: schemaOption(FIELDS.out, { value: '<dir>' }),
  'dry-run': schemaOption(FIELDS.dryRun),
  'max-synthesized': schemaOption(FIELDS.maxSynthesized),
  'max-synthesized-per-leaf': schemaOption(FIELDS.maxSynthesizedPerLeaf),
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
      debug: Boolean(process.env.TREESYNTH_DEBUG),
    });
    try {
      const result = await balanceDataset({
        data: required(values, 'data'),
        field: required(values, 'field'),
        task: stringOption(values, 'task'),
        description: stringOption(values, 'description'),
        requirements: listOption(values.requirement),
        tree: stringOption(values, 'tree'),
        router: stringOption(values, 'router'),
        marginThreshold: schemaNumber(values, 'margin', FIELDS.marginThreshold),
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
        maxSynthesized: schemaNumber(values, 'max-synthesized', FIELDS.maxSynthesized),
        maxSynthesizedPerLeaf: schemaNumber(values, 'max-synthesized-per-leaf', FIELDS.maxSynthesizedPerLeaf),
        writeReport: (file, input) => writeReport(file, balanceReportInput(input)),
        secrets: [process.env.OPENAI_API_KEY],
        signal: interrupt.signal,
        logger: reporter.logger,
        onProgress: reporter.update,
      });
      reporter.stop();
      process.stdout.write(
        values.json === true ? `${JSON.stringify(result, null, 2)}\n` : formatBalanceSummary(result),
      );
      return EXIT.ok;
    } catch (error) {
      if (!interrupt.signal.aborted) throw error;
      reporter.stop();
      process.stderr.write(
        'treesynth: balance interrupted; run the same command again to finish it (answers already received come from the cache)\n',
      );
      return EXIT.interrupted;
    } finally {
      reporter.stop();
      await models.close();
      interrupt.dispose();
    }
  },
});
