import { formatComparison } from '@treesynth/eval';
import { type CompareFilesOptions, compareFiles } from '@treesynth/experiment';
import { defineCommand } from '../command.js';
import { compareFlags, DATASET_OPTIONS } from '../compare-flags.js';
import { EXIT } from '../exit-codes.js';
import { printResult, runJob } from '../job.js';

export const command = defineCommand({
  name: 'eval',
  summary: 'Compare datasets side by side on every diversity metric.',
  usage: 'treesynth eval diversity <run-folder|file.jsonl|name=path>... [options]',
  options: DATASET_OPTIONS,
  args: ['diversity', '<files>...'],
  names: { sources: '<files>' },
  notes: [
    'Each argument is a TreeSynth run folder (its samples.jsonl, with leaf metrics from tree.json) or a',
    'JSONL/JSON file of records; `name=path` sets the column name. Rows that are not JSON objects or',
    'lack the text field are left out and reported with their line numbers.',
    'Embedding metrics use one embedder for all datasets; texts are embedded offline by default.',
  ].join('\n'),
  examples: [
    'treesynth eval diversity human=packages/eval/data/gsm8k/train.jsonl runs/demo',
    'treesynth eval diversity a.jsonl b.jsonl --field instruction --embedder use-lite --json',
  ],
  async run(values, positionals) {
    const options = compareFlags<CompareFilesOptions>(values, DATASET_OPTIONS, positionals.slice(1));
    const comparison = await runJob(values, 'treesynth eval', ({ signal }) =>
      compareFiles({ ...options, signal }),
    );
    printResult(values, comparison, () => formatComparison(comparison));
    return EXIT.ok;
  },
});
