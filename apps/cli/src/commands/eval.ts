import { ConfigError } from '@treesynth/core';
import { DEFAULT_OFFLINE_EMBEDDER, EMBEDDER_SPECS } from '@treesynth/providers';
import { defineCommand, integerOption, stringOption, wholeNumber } from '../command.js';
import { compareDatasets, formatMetricTable, metricTable } from '../compare-datasets.js';
import { loadDatasets } from '../datasets.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
import { numberFlag } from './job-options.js';

export const DATASET_OPTIONS = {
  embedder: {
    type: 'string',
    value: '<spec>',
    description: `embedder for the embedding metrics: ${EMBEDDER_SPECS.join(', ')}, or none`,
    default: DEFAULT_OFFLINE_EMBEDDER,
  },
  field: {
    type: 'string',
    value: '<name>',
    description:
      'field holding the text (default: a run’s task field; for files the first of question, problem, prompt, text, …)',
  },
  limit: {
    type: 'string',
    value: '<n>',
    description: 'use at most n rows of each dataset, drawn with the seed',
  },
  seed: { type: 'string', value: '<n>', description: 'seed of every sampled metric', default: '0' },
  'cache-dir': {
    type: 'string',
    value: '<dir>',
    description: 'reuse embeddings across calls from this folder',
  },
  json: { type: 'boolean', description: 'print JSON on stdout instead of the table' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr' },
} as const;

export const evalCommand = defineCommand({
  name: 'eval',
  summary: 'Compare datasets side by side on every diversity metric.',
  usage: 'treesynth eval diversity <run-folder|file.jsonl|name=path>... [options]',
  options: DATASET_OPTIONS,
  notes: [
    'Each argument is a TreeSynth run folder (its samples.jsonl, with leaf metrics from tree.json) or a',
    'JSONL/JSON file of records; `name=path` sets the column name. Rows that are not JSON objects or',
    'lack the text field are left out and reported with their line numbers.',
    'Embedding metrics use one embedder for all datasets; texts are embedded offline by default.',
  ].join('\n'),
  examples: [
    'treesynth eval diversity human=../shared/data/gsm8k/train.jsonl runs/demo',
    'treesynth eval diversity a.jsonl b.jsonl --field instruction --embedder use-lite --json',
  ],
  async run(values, positionals) {
    const [subcommand, ...sources] = positionals;
    if (subcommand !== 'diversity')
      throw new ConfigError({
        path: '<subcommand>',
        message: `expected "diversity", got ${subcommand ? `"${subcommand}"` : 'nothing'} (see: treesynth eval --help)`,
      });
    const quiet = values.quiet === true;
    const status = (line: string) => {
      if (!quiet) process.stderr.write(`${line}\n`);
    };
    const seed = numberFlag(values, 'seed') ?? 0;
    const limit = integerOption(values, 'limit', wholeNumber(2));
    const field = stringOption(values, 'field');
    const datasets = await loadDatasets(sources, {
      seed,
      ...(limit !== undefined ? { limit } : {}),
      ...(field ? { field } : {}),
    });
    for (const dataset of datasets) if (dataset.problems) status(dataset.problems);
    const cacheDir = stringOption(values, 'cache-dir');
    const interrupt = interruptSignal();
    const { compared, embedder } = await compareDatasets(datasets, {
      embedder: stringOption(values, 'embedder') ?? DEFAULT_OFFLINE_EMBEDDER,
      seed,
      signal: interrupt.signal,
      onStatus: status,
      ...(cacheDir !== undefined ? { cacheDir } : {}),
    }).finally(() => interrupt.dispose());
    const table = metricTable(compared);
    if (values.json === true) {
      const output = {
        embedder: embedder ?? null,
        datasets: compared.map(({ dataset, report }) => {
          const { leafCosine, ...metrics } = report.metrics;
          return {
            name: dataset.name,
            source: dataset.source,
            kind: dataset.kind,
            field: dataset.field,
            rows: dataset.totalRows,
            samples: report.samples,
            simulated: dataset.simulated,
            metrics: {
              ...metrics,
              ...(leafCosine ? { leafCosine: { ...leafCosine, perLeaf: undefined } } : {}),
            },
            timingsMs: report.timingsMs,
            warnings: report.warnings,
          };
        }),
        table,
      };
      process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    } else {
      const simulated = compared
        .filter(({ dataset }) => dataset.simulated)
        .map(({ dataset }) => dataset.name);
      process.stdout.write(
        [
          `Diversity${embedder ? ` (embeddings: ${embedder})` : ' (text metrics only)'}`,
          '',
          formatMetricTable(table),
          ...(simulated.length > 0
            ? [`simulated LLM output (placeholders, not model-quality data): ${simulated.join(', ')}`]
            : []),
          '',
        ].join('\n'),
      );
    }
    return EXIT.ok;
  },
});
