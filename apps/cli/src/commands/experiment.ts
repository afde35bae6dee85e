import { ConfigError } from '@treesynth/core';
import {
  formatExperiment,
  type RunExperimentOptions,
  runExperiment,
  runExperimentOptionsSchema,
} from '@treesynth/experiment';
import { defineCommand, type OptionSpec } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printResult, runJob } from '../job.js';
import { flagValues, schemaOption } from '../schema-options.js';

const FIELDS = runExperimentOptionsSchema.shape;

const EXPERIMENT_OPTIONS = {
  out: schemaOption(FIELDS.out, { value: '<dir>' }),
  model: schemaOption(FIELDS.modelId, { value: '<id>', option: 'modelId' }),
  'base-url': schemaOption(FIELDS.baseURLs, { value: '<url>', option: 'baseURLs' }),
  'data-size': schemaOption(FIELDS.dataSize),
  embedder: schemaOption(FIELDS.embedder, { value: '<spec>' }),
  format: schemaOption(FIELDS.exportFormat, { value: '<format>', option: 'exportFormat' }),
  'max-points': schemaOption(FIELDS.maxPoints),
  bench: schemaOption(FIELDS.bench, { value: '<dir>' }),
  'timeout-ms': schemaOption(FIELDS.timeoutMs, { value: '<ms>' }),
  rpm: schemaOption(FIELDS.requestsPerMinute, { option: 'requestsPerMinute' }),
  tpm: schemaOption(FIELDS.tokensPerMinute, { option: 'tokensPerMinute' }),
  json: {
    type: 'boolean',
    description: 'print the result (experiment.json, diversity table) as JSON',
    option: false,
  },
  quiet: { type: 'boolean', description: 'no progress on stderr', option: false },
} satisfies Record<string, OptionSpec>;

export const experimentCommand = defineCommand({
  name: 'experiment',
  summary:
    'Run a paper experiment: every method at one size, curated alike, one diversity report, fine-tune exports, benchmark table.',
  usage: 'treesynth experiment <config.json> --model <id> [--out DIR] [--bench DIR...] [options]',
  options: EXPERIMENT_OPTIONS,
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
    const [config, ...more] = positionals;
    const bench = Array.isArray(values.bench) ? [...values.bench, ...more] : undefined;
    if (!config || (more.length > 0 && !bench))
      throw new ConfigError({
        path: '<config>',
        message: 'give one experiment config, e.g. treesynth experiment benchmarks/paper/gsm8k.json',
      });
    return runJob(values, 'treesynth experiment', async ({ signal, logger, stopProgress }) => {
      const result = await runExperiment({
        ...flagValues<RunExperimentOptions>(values, EXPERIMENT_OPTIONS),
        ...(bench ? { bench } : {}),
        config,
        signal,
        logger,
        onProgress: ({ step, method, skipped }) =>
          logger.info(`${step}${method ? ` ${method}` : ''}${skipped ? ' (done before)' : ''}`),
      });
      stopProgress();
      const { out, status, simulated, state: experiment, table: diversity } = result;
      printResult(values, { out, status, simulated, experiment, diversity, bench: result.bench }, () =>
        formatExperiment(result),
      );
      if (status === 'complete') return EXIT.ok;
      return signal.aborted || status === 'interrupted' ? EXIT.interrupted : EXIT.failed;
    });
  },
});
