import { resolve } from 'node:path';
import { checkOutputPath } from '@treesynth/core/internal';
import {
  type BuildReportOptions,
  buildReport,
  buildReportOptionsSchema,
  defaultReportFile,
  writeReport,
} from '@treesynth/eval';
import { defineCommand, stringOption } from '../command.js';
import { compareOptionsFromFlags, DATASET_OPTIONS } from '../compare-flags.js';
import { EXIT } from '../exit-codes.js';
import { flagValues, schemaFlags } from '../flags.js';
import { printResult, runJob } from '../job.js';

const FIELDS = buildReportOptionsSchema.shape;

const REPORT_OPTIONS = schemaFlags(FIELDS, { title: '<text>', 'max-points': {} });

export const command = defineCommand({
  name: 'report',
  summary:
    'Write one self-contained HTML report (works offline): a t-SNE map by dataset and by first-level branch, the tree as a sunburst, a leaf-size histogram and the diversity metric table.',
  usage: 'treesynth report <run-folder|file.jsonl|name=path>... [options]',
  options: {
    out: {
      type: 'string',
      value: '<file.html>',
      description: 'where to write it (default: <run>/report.html for one run, else ./treesynth-report.html)',
    },
    ...REPORT_OPTIONS,
    ...DATASET_OPTIONS,
  },
  names: { datasets: '<files>' },
  args: ['<files>...'],
  notes: [
    'Arguments are read as by `treesynth eval diversity`. Metrics use every row (or --limit); the t-SNE',
    'map a seeded subset of at most --max-points rows, embedded jointly so the datasets share one map.',
    'Every text from the data is escaped in the page; nothing is fetched when it is opened.',
  ].join('\n'),
  examples: [
    'treesynth report runs/demo',
    'treesynth report human=packages/eval/data/gsm8k/train.jsonl treesynth=runs/demo --out compare.html',
  ],
  async run(values, positionals) {
    const given = stringOption(values, 'out');
    const out = resolve(given ?? defaultReportFile(positionals));
    checkOutputPath(given ?? out, { flag: '--out', kind: 'file' });
    const { options, close } = compareOptionsFromFlags(values, positionals);
    const report = await runJob(values, 'treesynth report', ({ signal }) =>
      buildReport({
        ...options,
        ...flagValues<Partial<BuildReportOptions>>(values, REPORT_OPTIONS),
        signal,
      }).finally(close),
    );
    await writeReport(out, report.input);
    const { datasets, points, kl } = report;
    printResult(values, { report: out, datasets, points, kl }, () => `report written to ${out}\n`);
    return EXIT.ok;
  },
});
