import {
  type BalanceOptions,
  balanceDataset,
  balanceOptionsSchema,
  balanceReportInput,
  formatBalanceSummary,
} from '@treesynth/balance';
import { type CurationConfigInput, rowsCurator, verifySettingsSchema } from '@treesynth/curate';
import { writeReport } from '@treesynth/eval';
import { type EndpointModelSource, embedderSource, embedderSpecOptionsSchema } from '@treesynth/providers';
import { endpointOrSimulator } from '@treesynth/simulator';
import { defineCommand, type OptionSpec, OUTPUT_OPTIONS } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printResult, runJob } from '../job.js';
import { flagNamer } from '../option-flags.js';
import { flagValues, schemaOption } from '../schema-options.js';
import { JOB_OPTIONS } from './job-options.js';

const FIELDS = balanceOptionsSchema.shape;

/** balanceDataset's own engine settings are flat (`depth`, not `config.tree.depth`). */
const engine = (flag: 'depth' | 'pivots' | 'samples-per-call' | 'concurrency' | 'seed'): OptionSpec => {
  const { option: _nested, ...spec } = JOB_OPTIONS[flag];
  return spec;
};

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
  margin: schemaOption(FIELDS.marginThreshold, { value: '<x>', option: 'marginThreshold' }),
  target: schemaOption(FIELDS.target, { value: '<t>' }),
  out: schemaOption(FIELDS.out, { value: '<dir>' }),
  'dry-run': schemaOption(FIELDS.dryRun),
  'max-synthesized': schemaOption(FIELDS.maxSynthesized),
  'max-synthesized-per-leaf': schemaOption(FIELDS.maxSynthesizedPerLeaf),
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
  embedder: schemaOption(embedderSpecOptionsSchema.shape.embedder, { value: '<spec>' }),
  model: {
    ...JOB_OPTIONS.model,
    description: 'model id at the endpoint (default: the built-in simulated LLM, offline)',
  },
  'base-url': JOB_OPTIONS['base-url'],
  rpm: JOB_OPTIONS.rpm,
  tpm: JOB_OPTIONS.tpm,
  depth: engine('depth'),
  pivots: engine('pivots'),
  'samples-per-call': engine('samples-per-call'),
  concurrency: engine('concurrency'),
  seed: engine('seed'),
  'timeout-ms': JOB_OPTIONS['timeout-ms'],
  'max-attempts': JOB_OPTIONS['max-attempts'],
  'no-cache': {
    ...JOB_OPTIONS['no-cache'],
    description: 'do not keep model answers in <out>/cache (a rerun then pays again)',
  },
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;

/** The flags: balanceDataset's options, and the model's and embedder's sources. */
type BalanceFlags = Omit<BalanceOptions, 'embedder' | 'model'> &
  Omit<EndpointModelSource, 'modelId'> & {
    modelId?: string;
    embedder?: string;
    curation?: CurationConfigInput;
  };

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
    const {
      embedder,
      modelId,
      baseURLs,
      requestsPerMinute,
      tokensPerMinute,
      timeoutMs,
      maxAttempts,
      curation,
      ...options
    } = flagValues<BalanceFlags>(values, BALANCE_OPTIONS);
    const optionName = flagNamer({ options: BALANCE_OPTIONS });
    const limits = { requestsPerMinute, tokensPerMinute, timeoutMs, maxAttempts };
    const model = endpointOrSimulator({ modelId, baseURLs, ...limits, optionName }, options.seed ?? 0);
    const label = model.simulated ? 'treesynth balance (simulated LLM)' : 'treesynth balance';
    return runJob(values, label, async ({ signal, logger, onProgress, stopProgress }) => {
      try {
        const result = await balanceDataset({
          ...options,
          // --answer / --verify N: the synthesized rows answered (and verified); the input's are never touched.
          ...(curation ? { curateSynthesized: rowsCurator({ answer: {}, ...curation }, 'balance') } : {}),
          embedder: embedderSource(embedder),
          model,
          cache: values['no-cache'] !== true,
          writeReport: (file, input) => writeReport(file, balanceReportInput(input)),
          secrets: [process.env.OPENAI_API_KEY],
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
      } finally {
        await model.close();
      }
    });
  },
});
