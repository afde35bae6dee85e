import { ConfigError } from '@treesynth/core';
import {
  experimentResultJson,
  formatExperiment,
  formatExperimentProgress,
  type RunExperimentOptions,
  runExperiment,
  runExperimentOptionsSchema,
} from '@treesynth/experiment';
import { defineCommand, type OptionSpec, OUTPUT_OPTIONS } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { flagValues, schemaFlags } from '../flags.js';
import { printResult, runJob } from '../job.js';

const EXPERIMENT_OPTIONS = {
  ...schemaFlags(runExperimentOptionsSchema.shape, ['out', 'model', 'base-url', 'data-size', 'embedder']),
  ...schemaFlags(runExperimentOptionsSchema.shape, {
    format: { value: '<format>', option: 'exportFormat' },
    'max-points': {},
    bench: '<dir>',
  }),
  ...schemaFlags(runExperimentOptionsSchema.shape, ['timeout-ms', 'rpm', 'tpm']),
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;

export const command = defineCommand({
  name: 'experiment',
  summary:
    'Run a paper experiment: every method at one size, curated alike, one diversity report, fine-tune exports, benchmark table.',
  usage: 'treesynth experiment <config.json> --model <id> [--out DIR] [--bench DIR...] [options]',
  options: EXPERIMENT_OPTIONS,
  args: ['<config>', '[<dir>...]'],
  notes: [
    'The config is an engine config with an `experiment` block (benchmarks/paper/*.json). Each method runs in',
    '<out>/runs/<method> with the same model and settings, is curated alike (the config’s `curation`, else dedup,',
    'decontaminate, answer) and exported to <out>/export/<method> (with a LLaMA-Factory dataset_info.json).',
    'report.html and diversity.json measure every method with one embedder on the same number of rows.',
    'A stopped or killed experiment continues when the same command is run again; experiment.json records',
    'the steps that finished. --bench takes `treesynth bench` result folders of the models fine-tuned on each',
    'export, named by method (e.g. bench/treesynth), and prints them side by side. See docs/reproduce.md.',
  ].join('\n'),
  examples: [
    'treesynth experiment benchmarks/paper/gsm8k.json --model gpt-4o --out runs/experiments/gsm8k',
    'treesynth experiment benchmarks/paper/gsm8k.json --out runs/experiments/gsm8k --bench bench/treesynth bench/temperature bench/evol bench/persona',
  ],
  async run(values, positionals) {
    // `--bench a b c`: the folders after the first are positionals.
    const [config = '', ...more] = positionals;
    const bench = Array.isArray(values.bench) ? [...values.bench, ...more] : undefined;
    if (more.length > 0 && !bench)
      throw new ConfigError({
        path: more[0]!,
        message: 'unexpected argument (one config; --bench takes folders)',
      });
    return runJob(values, 'treesynth experiment', async ({ signal, logger, stopProgress }) => {
      const result = await runExperiment({
        ...flagValues<RunExperimentOptions>(values, EXPERIMENT_OPTIONS),
        ...(bench ? { bench } : {}),
        config,
        signal,
        logger,
        onProgress: (progress) => logger.info(formatExperimentProgress(progress)),
      });
      stopProgress();
      printResult(values, experimentResultJson(result), () => formatExperiment(result));
      if (result.status === 'complete') return EXIT.ok;
      return signal.aborted || result.status === 'interrupted' ? EXIT.interrupted : EXIT.failed;
    });
  },
});
