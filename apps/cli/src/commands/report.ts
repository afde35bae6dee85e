import { type ReportFilesOptions, reportFiles, reportFilesOptionsSchema } from '@treesynth/experiment';
import { defineCommand } from '../command.js';
import { compareFlags, DATASET_OPTIONS } from '../compare-flags.js';
import { EXIT } from '../exit-codes.js';
import { schemaFlags } from '../flags.js';
import { printResult, runJob } from '../job.js';

const REPORT_OPTIONS = {
  ...schemaFlags(reportFilesOptionsSchema.shape, { out: '<file.html>', title: '<text>', 'max-points': {} }),
  ...DATASET_OPTIONS,
};

export const command = defineCommand({
  name: 'report',
  summary:
    'Write one self-contained HTML report (works offline): a t-SNE map by dataset and by first-level branch, the tree as a sunburst, a leaf-size histogram and the diversity metric table.',
  usage: 'treesynth report <run-folder|file.jsonl|name=path>... [options]',
  options: REPORT_OPTIONS,
  names: { sources: '<files>' },
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
    const options = compareFlags<ReportFilesOptions>(values, REPORT_OPTIONS, positionals);
    const report = await runJob(values, 'treesynth report', ({ signal }) =>
      reportFiles({ ...options, signal }),
    );
    const { file, datasets, points, kl } = report;
    printResult(values, { report: file, datasets, points, kl }, () => `report written to ${file}\n`);
    return EXIT.ok;
  },
});
