import { formatBalanceSummary } from '@treesynth/balance';
import { verifySettingsSchema } from '@treesynth/curate';
import {
  type BalanceOnEndpointOptions,
  balanceOnEndpoint,
  balanceOnEndpointOptionsSchema,
} from '@treesynth/experiment';
import { defineCommand, type OptionSpec, OUTPUT_OPTIONS } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { flagNamer, flagValues, schemaFlags, schemaOption } from '../flags.js';
import { printResult, runJob } from '../job.js';
import { JOB_OPTIONS } from './job-options.js';

const FIELDS = balanceOnEndpointOptionsSchema.shape;

const BALANCE_OPTIONS = {
  ...schemaFlags(FIELDS, { data: '<file>', field: {} }),
  task: {
    ...JOB_OPTIONS.task,
    description: `${JOB_OPTIONS.task.description}: builds the tree (stage one only) in <out>/tree`,
  },
  description: JOB_OPTIONS.description,
  requirement: JOB_OPTIONS.requirement,
  ...schemaFlags(FIELDS, {
    tree: '<file|dir>',
    router: '<kind>',
    margin: { value: '<x>', option: 'marginThreshold' },
    'self-training': '<mode>',
    target: '<t>',
    out: {},
    'dry-run': {},
    'max-synthesized': {},
    'max-synthesized-per-leaf': {},
  }),
  answer: {
    type: 'boolean',
    option: 'curation.answer',
    turnsOn: true,
    description: 'write each synthesized row’s answer fields (solution, final answer), as `curate --answer`',
  },
  verify: schemaOption(verifySettingsSchema.shape.samples, {
    option: 'curation.verify.samples',
    description:
      'answer and verify synthesized rows: N self-consistency votes (the sandbox for code); failures are left out',
    default: undefined,
  }),
  ...schemaFlags(FIELDS, ['embedder', 'model', 'base-url', 'rpm', 'tpm']),
  ...schemaFlags(FIELDS, ['depth', 'pivots', 'samples-per-call', 'concurrency', 'seed']),
  ...schemaFlags(FIELDS, ['timeout-ms', 'max-attempts']),
  'no-cache': {
    ...JOB_OPTIONS['no-cache'],
    description: 'do not keep model answers in <out>/cache (a rerun then pays again)',
  },
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;

export const command = defineCommand({
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
    const options = flagValues<BalanceOnEndpointOptions>(values, BALANCE_OPTIONS);
    const simulated = options.modelId === undefined && options.baseURLs === undefined;
    const label = simulated ? 'treesynth balance (simulated LLM)' : 'treesynth balance';
    return runJob(values, label, async ({ signal, logger, onProgress, stopProgress }) => {
      try {
        const result = await balanceOnEndpoint({
          ...options,
          cache: values['no-cache'] !== true,
          optionName: flagNamer({ options: BALANCE_OPTIONS }),
          signal,
          logger,
          onProgress,
        });
        stopProgress();
        printResult(values, result, () => formatBalanceSummary(result));
        return EXIT.ok;
      } catch (error) {
        if (!signal.aborted) throw error;
        stopProgress();
        process.stderr.write(
          'treesynth: balance interrupted; run the same command again to finish it (answers already received come from the cache)\n',
        );
        return EXIT.interrupted;
      }
    });
  },
});
