import { basename, extname, join, resolve } from 'node:path';
import { ConfigError, silentLogger } from '@treesynth/core';
import { parseOptions, stableStringify } from '@treesynth/core/internal';
import { readCurationSummary } from '../curation-summary.js';
import { type CardSplit, datasetCard } from './dataset-card.js';
import {
  checkExportFolder,
  EXPORT_MANIFEST_FILE,
  type ExportManifest,
  writeExportFolder,
} from './export-folder.js';
import { type ExportFormat, type ExportOptions, exportOptionsSchema } from './export-options.js';
import { type ExportRow, readExportSource } from './export-rows.js';
import { dataExtension, formatRow, provenanceLine } from './format-rows.js';
import { type LlamaFactoryEntry, llamaFactoryEntry } from './llama-factory.js';
import { missingHubToken, type PushToHubResult, pushToHub } from './push-to-hub.js';
import { splitOf } from './split-rows.js';
import { columnNames, parquetBytes } from './write-parquet.js';

export const CARD_FILE = 'README.md';
export const LLAMA_FACTORY_FILE = 'dataset_info.json';

export interface ExportResult {
  out: string;
  name: string;
  format: ExportFormat;
  source: { kind: 'run' | 'file'; file: string };
  promptFields: string[];
  responseField: string;
  /** The splits written; a split that drew no row is not written (see emptySplits). */
  splits: CardSplit[];
  /** Splits that drew no row (too few rows for their share): no file, not in the card or dataset_info. */
  emptySplits: string[];
  /** Rows left out for lack of a response (allowUnanswered). */
  unanswered: number;
  /** The files written, in `out`. */
  files: string[];
  /** True when the rows came from a simulated LLM (said in the card too). */
  simulated: boolean;
  pushed?: PushToHubResult;
}

function defaultOut(source: string, kind: 'run' | 'file', format: ExportFormat): string {
  if (kind === 'run') return join(source, `export-${format}`);
  return join(resolve(source, '..'), `${basename(source, extname(source))}-export-${format}`);
}

const jsonLines = (values: readonly unknown[]) =>
  values.map((value) => `${JSON.stringify(value)}\n`).join('');

/**
 * Export a run folder or a dataset file to a fine-tuning format (docs/export.md): rows in sample-id
 * order, split by a seeded hash of their ids, one data file and one provenance file per split, a
 * Hugging Face dataset card (README.md), a LLaMA-Factory dataset_info.json and export.json, written
 * all or nothing into `out`; then, with `pushToHub`, uploaded to that dataset repo. The same input and
 * options give the same bytes.
 */
export async function exportDataset(input: ExportOptions): Promise<ExportResult> {
  const options = parseOptions(exportOptionsSchema, input);
  const logger = options.logger ?? silentLogger;
  const env = options.env ?? process.env;
  const hubToken = options.hubToken ?? (env.HF_TOKEN || undefined);
  const hubUrl = options.hubUrl ?? (env.HF_ENDPOINT || 'https://huggingface.co');
  if (options.pushToHub && !hubToken) throw missingHubToken();
  if (options.pushToHub && !URL.canParse(hubUrl))
    throw new ConfigError({ path: 'HF_ENDPOINT', message: `expected a URL, got "${hubUrl}"` });
  const read = await readExportSource(options.source, options);
  const out = options.out ?? defaultOut(options.source, read.kind, options.format);
  checkExportFolder(out, options.source);
  const name =
    options.name ?? basename(resolve(options.source), read.kind === 'file' ? extname(options.source) : '');
  const bySplit = new Map<string, ExportRow[]>(options.split.map((split) => [split.name, []]));
  for (const row of read.rows) bySplit.get(splitOf(row.id, options.split, options.seed))!.push(row);

  const files = new Map<string, string | Uint8Array>();
  const splits: CardSplit[] = [];
  const emptySplits: string[] = [];
  const info: Record<string, LlamaFactoryEntry> = {};
  const extension = dataExtension(options.format);
  const columns = columnNames(read.rows.map((row) => row.fields));
  for (const { name: split, ratio } of options.split) {
    const rows = bySplit.get(split)!;
    // An empty data file helps no reader (a parquet file without row groups trips some), so none is written.
    if (rows.length === 0) {
      emptySplits.push(split);
      logger.warn(`split ${split} drew no row of ${read.rows.length}; it is not written`);
      continue;
    }
    const file = `${split}.${extension}`;
    const formatted = rows.map((row) => formatRow(row, options.format, options.system));
    files.set(
      file,
      options.format === 'parquet' ? await parquetBytes(formatted, columns) : jsonLines(formatted),
    );
    files.set(`${split}.provenance.jsonl`, jsonLines(rows.map(provenanceLine)));
    splits.push({ name: split, ratio, file, rows: rows.length });
    info[`${name}_${split}`] = llamaFactoryEntry(options.format, file, {
      prompt: read.promptFields,
      response: read.responseField,
      system: options.system !== undefined,
    });
  }
  // Where the export went is not part of the dataset: the same data gives the same card.
  const {
    logger: _logger,
    hubToken: _token,
    env: _env,
    out: _out,
    pushToHub: _push,
    hubUrl: _hub,
    ...shown
  } = input;
  const command = options.command ?? `exportDataset(${stableStringify(shown)})`;
  const curation = read.run ? readCurationSummary(read.run.folder) : undefined;
  files.set(
    CARD_FILE,
    datasetCard({
      name,
      read,
      format: options.format,
      splits,
      seed: options.seed,
      license: options.license,
      language: options.language,
      system: options.system,
      curation,
      command,
    }),
  );
  files.set(LLAMA_FACTORY_FILE, `${JSON.stringify(info, null, 2)}\n`);
  const manifest: ExportManifest = {
    tool: 'treesynth-ts',
    kind: 'export',
    schemaVersion: 1,
    source: resolve(options.source),
    format: options.format,
    seed: options.seed,
    splits,
    unanswered: read.unanswered,
    files: [...files.keys()],
  };
  files.set(EXPORT_MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
  await writeExportFolder(out, files);
  logger.info(`exported ${read.rows.length} rows to ${out}`);
  const simulated =
    read.run?.manifest.simulated === true ||
    read.rows.some((row) => (row.provenance.call as { simulated?: unknown } | undefined)?.simulated === true);
  const result: ExportResult = {
    out,
    name,
    format: options.format,
    source: { kind: read.kind, file: read.file },
    promptFields: read.promptFields,
    responseField: read.responseField,
    splits,
    emptySplits,
    unanswered: read.unanswered,
    files: [...files.keys()],
    simulated,
  };
  if (!options.pushToHub) return result;
  // export.json names a local path: it stays here.
  const upload = new Map([...files].filter(([file]) => file !== EXPORT_MANIFEST_FILE));
  const pushed = await pushToHub({
    repo: options.pushToHub,
    hubUrl,
    token: hubToken,
    files: upload,
    commitTitle: `treesynth export: ${name} (${options.format})`,
  });
  logger.info(`pushed ${upload.size} files to ${pushed.url}`);
  return { ...result, pushed };
}
