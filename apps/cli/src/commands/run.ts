import { baselineGenerators } from '@treesynth/baselines';
import {
  formatRunSummary,
  methodConfigSchema,
  type RunSummary,
  type RunSummaryExtras,
} from '@treesynth/core';
import { type RunOnEndpointOptions, runOnEndpoint } from '@treesynth/providers';
import { defineCommand, type OptionSpec, type ParsedValues } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { runJob } from '../job.js';
import { flagNamer } from '../option-flags.js';
import { flagValues, schemaOption } from '../schema-options.js';
import {
  CURATION_OPTIONS,
  type CurateStep,
  formatCuration,
  formatExport,
  formatTarget,
  runCuration,
  storedBudget,
} from './curate.js';
import { JOB_OPTIONS } from './job-options.js';

const [, , EVOL, PERSONA] = methodConfigSchema.options;

/** `run`'s options: the job's, and the method that makes the dataset (docs/baselines.md). */
const RUN_OPTIONS = {
  ...JOB_OPTIONS,
  method: {
    type: 'string',
    value: '<name>',
    option: 'config.method.name',
    description: 'treesynth (default), or a baseline: temperature, evol, persona (docs/baselines.md)',
  },
  seeds: schemaOption(EVOL.shape.seeds, { value: '<file>', option: 'config.method.seeds' }),
  'seed-field': schemaOption(EVOL.shape.seedField, { value: '<name>', option: 'config.method.seedField' }),
  personas: schemaOption(PERSONA.shape.personas, { value: '<file>', option: 'config.method.personas' }),
} satisfies Record<string, OptionSpec>;

/** core's run summary, continued by the CLI's command. */
export function formatSummary(dir: string, summary: RunSummary, extras: RunSummaryExtras = {}): string {
  return formatRunSummary(dir, summary, { ...extras, resumeWith: `treesynth run --resume --out ${dir}` });
}

/**
 * Run a job on its endpoint with progress on stderr, print its summary (or JSON), and give the exit
 * code. Shared by `run`, `tree` and `demo`.
 */
export async function executeJob(
  options: RunOnEndpointOptions,
  output: ParsedValues,
  curate?: CurateStep,
): Promise<number> {
  const label = options.simulated ? 'treesynth (simulated LLM)' : 'treesynth';
  return runJob(output, label, async ({ signal, logger, onProgress, stopProgress }) => {
    const { dir, summary, ...extras } = await runOnEndpoint({
      ...options,
      optionName: flagNamer({ options: RUN_OPTIONS }),
      signal,
      logger,
      onProgress,
    });
    stopProgress();
    // Curation (docs/curate.md) follows a finished run when the flags, config or last curation ask for it;
    // a target size extends the run (a resume with a larger budget) until curation leaves enough rows.
    const extend = async (maxSamples: number) => {
      const extended = await runOnEndpoint({
        ...options,
        resume: true,
        config: { ...options.config, maxSamples },
        optionName: flagNamer({ options: RUN_OPTIONS }),
        signal,
      });
      return extended.summary.status;
    };
    const done =
      curate && !options.treeOnly && summary.status === 'complete'
        ? await curate(dir, signal, extend)
        : undefined;
    const curation = done ? { curation: done.curated.summary } : {};
    const target = done?.target ? { target: { ...done.target, curation: undefined } } : {};
    const exported = done?.exported ? { export: done.exported } : {};
    process.stdout.write(
      output.json === true
        ? `${JSON.stringify({ dir, ...summary, ...extras, ...curation, ...target, ...exported }, null, 2)}\n`
        : formatSummary(dir, summary, extras) +
            (done ? formatCuration(done.curated) : '') +
            (done?.target ? formatTarget(done.target) : '') +
            (done?.exported ? formatExport(done.exported) : ''),
    );
    if (signal.aborted) return EXIT.interrupted;
    if (done?.target && !done.target.reached) return EXIT.failed;
    // `tree` did its part (stage one) unless stopped; the status it printed is the run's, left as it was.
    if (options.treeOnly) return EXIT.ok;
    if (summary.status === 'interrupted') return EXIT.interrupted;
    // Failed leaf calls: the dataset is short, and the summary says how to retry them.
    return summary.status === 'incomplete' ? EXIT.failed : EXIT.ok;
  });
}

/** `run` and `tree`: the flags as `runOnEndpoint`'s options. */
export function runFlags(values: ParsedValues, treeOnly: boolean): Promise<number> {
  const options = flagValues<RunOnEndpointOptions>(values, RUN_OPTIONS);
  // A run topped up for --target-rows has a larger budget than the command that started it gave.
  const budget = options.resume && options.out ? storedBudget(options.out) : undefined;
  const given = options.config?.maxSamples;
  const config =
    budget !== undefined && given !== undefined && given < budget
      ? { ...options.config, maxSamples: budget }
      : options.config;
  return runCuration(values).then((curate) =>
    executeJob(
      { ...options, config, treeOnly, cache: values['no-cache'] !== true, generators: baselineGenerators },
      values,
      curate,
    ),
  );
}

export const runCommand = defineCommand({
  name: 'run',
  summary: 'Build the partition tree for a task and synthesize samples in every leaf.',
  usage: 'treesynth run --task <name|file> --model <id> [options]',
  options: { ...RUN_OPTIONS, ...CURATION_OPTIONS },
  notes: [
    'The key is read from OPENAI_API_KEY (never written anywhere); loopback endpoints need none.',
    'Everything goes to the run folder: run.json, tree.json, samples.jsonl, events.jsonl, usage.json, cache/.',
    'A stopped or killed run continues with --resume --out <dir> and ends with the same dataset.',
    'Leaf calls that still fail after their retries leave the run incomplete (exit 1); --resume retries them.',
    'A resume may raise --max-samples: every row already made is kept and each leaf is topped up to its new share',
    '(as many rows per leaf as a fresh run with that budget, not the same rows).',
    'Curation flags (--answer, --verify N, --judge, or `curation` in --config) curate the finished run in place',
    '(treesynth curate <run> does it alone); a resume with a changed setting redoes only that step and later ones.',
  ].join('\n'),
  examples: [
    'treesynth run --task gsm8k --model gpt-4o-mini --depth 3 --out runs/gsm8k',
    'treesynth run --task generic --description "customer-support emails about billing" --model llama3 --base-url http://localhost:11434/v1',
    'treesynth run --resume --out runs/gsm8k',
    'treesynth run --task gsm8k --model gpt-4o-mini --max-samples 1000 --answer --verify 5 --out runs/gsm8k',
    'treesynth run --task gsm8k --method evol --seeds packages/eval/data/gsm8k/train.jsonl --max-samples 7473 --model gpt-4o-mini --out runs/gsm8k-evol',
  ],
  run: (values) => runFlags(values, false),
});
