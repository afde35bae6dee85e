import { ConfigError } from '@treesynth/core';
import { EXPORT_FORMATS, type ExportResult, exportDataset, exportOptionsSchema } from '@treesynth/curate';
import { defineCommand, type OptionSpec, type ParsedValues, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { schemaNumber, schemaOption } from '../schema-options.js';

const FIELDS = exportOptionsSchema.shape;

const EXPORT_OPTIONS = {
  format: schemaOption(FIELDS.format, { value: '<format>' }),
  split: schemaOption(FIELDS.split, { value: '<name=share,...>' }),
  out: schemaOption(FIELDS.out, { value: '<dir>' }),
  seed: schemaOption(FIELDS.seed),
  'prompt-field': schemaOption(FIELDS.promptField, { value: '<name>', multiple: true }),
  'response-field': schemaOption(FIELDS.responseField, { value: '<name>' }),
  system: schemaOption(FIELDS.system, { value: '<text>' }),
  'allow-unanswered': schemaOption(FIELDS.allowUnanswered),
  name: schemaOption(FIELDS.name, { value: '<name>' }),
  license: schemaOption(FIELDS.license, { value: '<id>' }),
  language: schemaOption(FIELDS.language, { value: '<code>' }),
  'push-to-hub': schemaOption(FIELDS.pushToHub, { value: '<owner/name>' }),
  'hub-url': schemaOption(FIELDS.hubUrl, {
    value: '<url>',
    description: 'the hub to push to (default: HF_ENDPOINT, else https://huggingface.co)',
    default: undefined,
  }),
  json: { type: 'boolean', description: 'print the result as JSON' },
} satisfies Record<string, OptionSpec>;

/** Flags left out of the card's command: where the export goes and how it is printed are not part of the data. */
const DESTINATION_FLAGS = new Set(['--out', '--push-to-hub', '--hub-url']);
const OUTPUT_FLAGS = new Set(['--json']);

/** The command line for the card, destination flags dropped, arguments quoted where the shell needs it. */
function reproduceCommand(argv: readonly string[]): string {
  const kept: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const flag = argument.split('=')[0]!;
    if (OUTPUT_FLAGS.has(flag)) continue;
    if (DESTINATION_FLAGS.has(flag)) {
      if (!argument.includes('=')) index++;
      continue;
    }
    kept.push(/^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", `'\\''`)}'`);
  }
  return ['treesynth', 'export', ...kept].join(' ');
}

function summary(result: ExportResult): string {
  const rows = result.splits.reduce((sum, split) => sum + split.rows, 0);
  return [
    `exported ${rows} rows as ${result.format}${result.simulated ? ' (SIMULATED LLM rows: placeholders, not model output)' : ''}: ${result.out}`,
    ...result.splits.map(
      (split) =>
        `  ${split.name}: ${split.rows} rows (${split.file}, provenance in ${split.name}.provenance.jsonl)`,
    ),
    `  prompt: ${result.promptFields.join(' + ')}; response: ${result.responseField}`,
    ...result.emptySplits.map((split) => `  ${split}: no rows (too few rows for its share), not written`),
    ...(result.unanswered > 0
      ? [`  left out: ${result.unanswered} rows without "${result.responseField}"`]
      : []),
    '  card: README.md; LLaMA-Factory: dataset_info.json',
    ...(result.pushed
      ? [`  pushed to ${result.pushed.url}${result.pushed.created ? ' (created, private)' : ''}`]
      : []),
    '',
  ].join('\n');
}

export const exportCommand = defineCommand({
  name: 'export',
  summary:
    'Export a run or a dataset file to a fine-tuning format, with a dataset card, and push it to the Hugging Face Hub.',
  usage: `treesynth export <run-folder|file.jsonl> --format ${EXPORT_FORMATS.join('|')} [options]`,
  options: EXPORT_OPTIONS,
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
  async run(values: ParsedValues, positionals) {
    const [source, ...extra] = positionals;
    if (!source || extra.length > 0)
      throw new ConfigError({
        path: '<run-or-file>',
        message: `expected one run folder or dataset file, got ${positionals.length} (see: treesynth export --help)`,
      });
    const format = stringOption(values, 'format');
    if (!format)
      throw new ConfigError({
        path: '--format',
        message: `which format? one of ${EXPORT_FORMATS.join(', ')}`,
      });
    const promptField = values['prompt-field'];
    const result = await exportDataset({
      source,
      format: format as (typeof EXPORT_FORMATS)[number],
      split: stringOption(values, 'split'),
      out: stringOption(values, 'out'),
      seed: schemaNumber(values, 'seed', FIELDS.seed),
      promptField: Array.isArray(promptField) && promptField.length > 0 ? promptField : undefined,
      responseField: stringOption(values, 'response-field'),
      system: stringOption(values, 'system'),
      allowUnanswered: values['allow-unanswered'] === true,
      name: stringOption(values, 'name'),
      license: stringOption(values, 'license'),
      language: stringOption(values, 'language'),
      command: reproduceCommand(process.argv.slice(3)),
      pushToHub: stringOption(values, 'push-to-hub'),
      hubUrl: stringOption(values, 'hub-url') ?? (process.env.HF_ENDPOINT || undefined),
      hubToken: process.env.HF_TOKEN || undefined,
    }).catch((error: unknown) => {
      // The token comes from the environment, not a flag: name the variable.
      if (ConfigError.isInstance(error) && error.path === 'hubToken')
        throw new ConfigError({
          path: 'HF_TOKEN',
          message: 'is not set; --push-to-hub needs a Hugging Face token',
        });
      throw error;
    });
    process.stdout.write(values.json === true ? `${JSON.stringify(result, null, 2)}\n` : summary(result));
    return EXIT.ok;
  },
});
