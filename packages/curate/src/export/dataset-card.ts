import { basename } from 'node:path';
import type { CurationSummary } from '../curation-summary.js';
import type { ExportFormat } from './export-options.js';
import type { ExportSource } from './export-rows.js';

/** What the card says about one split. */
export interface CardSplit {
  name: string;
  ratio: number;
  file: string;
  rows: number;
}

export interface DatasetCardInput {
  name: string;
  read: ExportSource;
  format: ExportFormat;
  splits: CardSplit[];
  seed: number;
  license: string;
  language: string;
  system?: string | undefined;
  curation?: CurationSummary | undefined;
  command: string;
}

const SIZE_CATEGORIES: Array<[number, string]> = [
  [1e3, 'n<1K'],
  [1e4, '1K<n<10K'],
  [1e5, '10K<n<100K'],
  [1e6, '100K<n<1M'],
  [1e7, '1M<n<10M'],
  [1e8, '10M<n<100M'],
  [1e9, '100M<n<1B'],
];

/** The Hugging Face size category of a row count. */
export function sizeCategory(rows: number): string {
  return SIZE_CATEGORIES.find(([limit]) => rows < limit)?.[1] ?? 'n>1B';
}

/** A YAML double-quoted scalar: JSON's string syntax is a subset of YAML's. */
const quote = (text: string) => JSON.stringify(text);

function frontMatter(input: DatasetCardInput): string[] {
  const total = input.splits.reduce((sum, split) => sum + split.rows, 0);
  return [
    '---',
    `pretty_name: ${quote(input.name)}`,
    `license: ${quote(input.license)}`,
    'language:',
    `- ${quote(input.language)}`,
    'size_categories:',
    `- ${quote(sizeCategory(total))}`,
    'task_categories:',
    '- "text-generation"',
    'tags:',
    '- "synthetic"',
    '- "treesynth"',
    'configs:',
    '- config_name: "default"',
    '  data_files:',
    ...input.splits.flatMap((split) => [`  - split: ${quote(split.name)}`, `    path: ${quote(split.file)}`]),
    'dataset_info:',
    '  config_name: "default"',
    '  splits:',
    ...input.splits.flatMap((split) => [`  - name: ${quote(split.name)}`, `    num_examples: ${split.rows}`]),
    '---',
  ];
}

/** The models named in the rows' provenance (`call.model`), with row counts, most first. */
function modelCounts(read: ExportSource): string[] {
  const counts = new Map<string, number>();
  for (const row of read.rows) {
    const call = (row.provenance.call ??
      (row.provenance.treesynth as { call?: unknown } | undefined)?.call) as
      | { model?: unknown; simulated?: unknown }
      | undefined;
    if (typeof call?.model !== 'string') continue;
    const label = `${call.model}${call.simulated === true ? ' (simulated)' : ''}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([m, n]) => `${m}: ${n} rows`);
}

function generation(read: ExportSource): string[] {
  const run = read.run;
  const models = modelCounts(read);
  const lines: string[] = [];
  if (run) {
    // run.json is read as loosely as core's readRunFolder reads it: only the task is sure to be there.
    const { manifest, tree } = run;
    const config = manifest.config as Partial<typeof manifest.config> | undefined;
    const leaves = tree?.nodes.filter((node) => node.status === 'leaf') ?? [];
    const reached = Math.max(0, ...(tree?.nodes.map((node) => node.depth) ?? [0]));
    lines.push(
      `- Generator model: ${manifest.model ? `${manifest.model.modelId} (${manifest.model.provider})` : 'not recorded'}${manifest.simulated ? ', a SIMULATED LLM: the rows are placeholders, not model output' : ''}`,
      `- Task: ${manifest.task.name}: ${manifest.task.description}`,
    );
    if (config?.tree)
      lines.push(
        `- Tree: depth limit ${config.tree.depth} (reached ${reached}), ${config.tree.pivots} pivots per node, coverage cap ${config.tree.coverageCap} values, ${leaves.length} leaves`,
      );
    if (config?.synthesis)
      lines.push(
        `- Synthesis: ${config.synthesis.samplesPerCall} samples per leaf call at temperature ${config.synthesis.temperature}${config.maxSamples ? `, budget ${config.maxSamples} samples` : ''}, seed ${config.seed}`,
      );
    lines.push(`- Run status: ${manifest.status ?? 'not recorded'}`);
  } else
    lines.push(
      `- Source: ${basename(read.file)}, a dataset file (not a TreeSynth run folder: no tree settings to report)`,
    );
  if (models.length > 0) lines.push(`- Models in the rows' provenance: ${models.join('; ')}`);
  return lines;
}

function curation(input: DatasetCardInput): string[] {
  const lines = input.curation
    ? input.curation.steps.map(
        (step) =>
          `- ${step.step}: ${step.rowsIn} rows in, ${step.rowsOut} out${
            step.removed
              ? ` (${Object.entries(step.removed)
                  .map(([why, n]) => `${why}: ${n}`)
                  .join(', ')})`
              : ''
          }`,
      )
    : ['- None recorded (the run has no curation.json).'];
  if (input.read.unanswered > 0)
    lines.push(
      `- Left out at export: ${input.read.unanswered} rows without a "${input.read.responseField}" field.`,
    );
  return lines;
}

/** The dataset card: README.md with Hugging Face YAML front matter, then what made the data. */
export function datasetCard(input: DatasetCardInput): string {
  const { read } = input;
  return [
    ...frontMatter(input),
    '',
    `# ${input.name}`,
    '',
    `Synthetic ${read.run?.manifest.task.name ?? ''} data made with TreeSynth-TS (tree-guided subspace partitioning, arXiv 2503.17195), exported as \`${input.format}\`.`.replace(
      'Synthetic  data',
      'Synthetic data',
    ),
    '',
    '## Splits',
    '',
    '| split | rows | file | share |',
    '|---|---|---|---|',
    ...input.splits.map((split) => `| ${split.name} | ${split.rows} | ${split.file} | ${split.ratio} |`),
    '',
    `Rows are in sample-id order; a row's split is a hash of its id with seed ${input.seed}, so adding rows never moves existing ones. Each split's provenance (leaf, path, call, model) is in \`<split>.provenance.jsonl\`, line for line.`,
    '',
    '## How it was made',
    '',
    ...generation(read),
    `- Prompt: ${read.promptFields.map((field) => `\`${field}\``).join(' + ')}; response: \`${read.responseField}\`${input.system ? '; with a system prompt' : ''}`,
    '',
    '## Curation',
    '',
    ...curation(input),
    '',
    '## Reproduce',
    '',
    '```sh',
    input.command,
    '```',
    '',
    `License: ${input.license}. Check the terms of the model that generated the data before you publish it.`,
    '',
  ].join('\n');
}
