import { shellCommandLine } from '@treesynth/core/internal';
import {
  EXPORT_FORMATS,
  type ExportOptions,
  exportDataset,
  exportOptionsSchema,
  formatExportResult,
} from '@treesynth/curate';
import { defineCommand, type OptionSpec, OUTPUT_OPTIONS } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { flagValues, schemaFlags } from '../flags.js';
import { printResult } from '../job.js';

const EXPORT_OPTIONS = {
  ...schemaFlags(exportOptionsSchema.shape, {
    format: '<format>',
    split: '<name=share,...>',
    out: '<dir>',
    seed: {},
    'prompt-field': { value: '<name>', multiple: true },
    'response-field': '<name>',
    system: '<text>',
    'allow-unanswered': {},
    name: '<name>',
    license: '<id>',
    language: '<code>',
    'push-to-hub': '<owner/name>',
    'hub-url': '<url>',
  }),
  json: OUTPUT_OPTIONS.json,
} satisfies Record<string, OptionSpec>;

export const command = defineCommand({
  name: 'export',
  summary:
    'Export a run or a dataset file to a fine-tuning format, with a dataset card, and push it to the Hugging Face Hub.',
  usage: `treesynth export <run-folder|file.jsonl> --format ${EXPORT_FORMATS.join('|')} [options]`,
  options: EXPORT_OPTIONS,
  args: ['<run-or-file>'],
  notes: [
    "A run folder's curated.jsonl is exported when it has one, else its samples.jsonl. The prompt and response fields",
    'follow the task (gsm8k question/answer, math problem/solution, code instruction+input/output); a row without its',
    'response is an error unless --allow-unanswered. Rows go out in sample-id order; a row goes to a split by a hash',
    'of its id and --seed, so the same input gives the same bytes and added rows never move old ones. Writes, all or',
    'nothing: <split>.<jsonl|parquet>, <split>.provenance.jsonl, README.md (dataset card), dataset_info.json, export.json.',
    'The hub token is read from HF_TOKEN only and is never written. See docs/export.md.',
  ].join('\n'),
  examples: [
    'treesynth export runs/gsm8k --format openai --split train=0.95,validation=0.05',
    'treesynth export packages/eval/data/gsm8k/train.jsonl --format sharegpt --system "Solve step by step." --out runs/gsm8k-sharegpt',
    'HF_TOKEN=hf_... treesynth export runs/gsm8k --format parquet --push-to-hub me/gsm8k-treesynth',
  ],
  async run(values, positionals) {
    const source = positionals[0]!;
    const options = flagValues<Omit<ExportOptions, 'source'>>(values, EXPORT_OPTIONS);
    const result = await exportDataset({
      ...options,
      source,
      // The card's command: where the export goes and how it is printed are not part of the data.
      command: shellCommandLine(['treesynth', 'export', ...process.argv.slice(3)], {
        options: ['--out', '--push-to-hub', '--hub-url'],
        switches: ['--json'],
      }),
    });
    printResult(values, result, () => formatExportResult(result));
    return EXIT.ok;
  },
});
