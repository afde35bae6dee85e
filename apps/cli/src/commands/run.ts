import { baselineGenerators } from '@treesynth/baselines';
import { methodConfigSchema } from '@treesynth/core';
import {
  formatRunAndCurate,
  type RunAndCurateOptions,
  type RunDemoResult,
  runAndCurate,
  runAndCurateJson,
} from '@treesynth/experiment';
import { defineCommand, type OptionSpec, type ParsedValues } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { flagNamer, flagValues, schemaOption } from '../flags.js';
import { printResult, runJob } from '../job.js';
import { CURATION_OPTIONS } from './curation-flags.js';
import { JOB_OPTIONS } from './job-options.js';

const [, , EVOL, PERSONA] = methodConfigSchema.options;

/** `run`'s options: the job's, the method that makes the dataset (docs/baselines.md), and curation's. */
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
  ...CURATION_OPTIONS,
} satisfies Record<string, OptionSpec>;

/** A job of `run`, `tree` or `demo`, given Ctrl-C, progress and how errors name the flags. */
type RunJob = (context: Omit<RunAndCurateOptions, 'task'>) => Promise<RunDemoResult>;

/**
 * Run a job on its endpoint, with its curation, progress on stderr, print its summary (or JSON), and
 * give the exit code. Shared by `run`, `tree` and `demo`.
 */
export function executeJob(
  values: ParsedValues,
  mode: { simulated?: boolean; treeOnly?: boolean },
  job: RunJob,
): Promise<number> {
  const label = mode.simulated ? 'treesynth (simulated LLM)' : 'treesynth';
  return runJob(values, label, async ({ signal, logger, onProgress, stopProgress }) => {
    const optionName = flagNamer({ options: RUN_OPTIONS });
    const result = await job({ optionName, signal, logger, onProgress });
    stopProgress();
    const { dir, summary, target } = result;
    printResult(values, runAndCurateJson(result), () =>
      formatRunAndCurate(result, {
        resumeWith: `treesynth run --resume --out ${dir}`,
        raiseTarget: 'raise --max-budget-factor or the tree (--depth) and resume',
      }),
    );
    if (signal.aborted) return EXIT.interrupted;
    if (target && !target.reached) return EXIT.failed;
    // `tree` did its part (stage one); the status it printed is the run's, left as it was.
    if (mode.treeOnly) return EXIT.ok;
    if (summary.status === 'interrupted') return EXIT.interrupted;
    // Failed leaf calls: the dataset is short, and the summary says how to retry them.
    return summary.status === 'incomplete' ? EXIT.failed : EXIT.ok;
  });
}

/** `run` and `tree`: the flags as `runAndCurate`'s options. */
export function runFlags(values: ParsedValues, treeOnly: boolean): Promise<number> {
  const options = flagValues<RunAndCurateOptions>(values, RUN_OPTIONS);
  const cache = values['no-cache'] !== true;
  return executeJob(values, { treeOnly }, (context) =>
    runAndCurate({ ...options, ...context, treeOnly, cache, generators: baselineGenerators }),
  );
}

export const command = defineCommand({
  name: 'run',
  summary: 'Build the partition tree for a task and synthesize samples in every leaf.',
  usage: 'treesynth run --task <name|file> --model <id> [options]',
  options: RUN_OPTIONS,
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
