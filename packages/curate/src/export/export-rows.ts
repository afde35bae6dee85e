import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  ConfigError,
  type DatasetFile,
  type RunFolderDataset,
  readDatasetFile,
  readRunFolder,
} from '@treesynth/core';
import {
  compareSampleIds,
  type DatasetRow,
  describeProblems,
  sha256,
  stableStringify,
} from '@treesynth/core/internal';
import { CURATED_FILE } from '../curation-summary.js';

/** Row fields that say where a row came from; exports move them to the provenance side file. */
export const PROVENANCE_FIELDS = [
  'leaf_id',
  'path',
  'drawn',
  'call',
  'method',
  'origin',
  'treesynth',
] as const;

/** The prompt and response fields of a built-in task's rows (docs/export.md, the row contract). */
export const TASK_FIELDS: Readonly<Record<string, { prompt: string[]; response: string }>> = {
  gsm8k: { prompt: ['question'], response: 'answer' },
  math: { prompt: ['problem'], response: 'solution' },
  code: { prompt: ['instruction', 'input'], response: 'output' },
  tom: { prompt: ['story', 'question'], response: 'answer' },
};
/** The response field of a generic or custom task's rows. */
export const DEFAULT_RESPONSE_FIELD = 'answer';
/** Tried in order for a dataset file's response field when none is named. */
export const RESPONSE_FIELD_GUESSES = ['answer', 'solution', 'output', 'response', 'completion'];

/** One row on its way out: what every format is made from. */
export interface ExportRow {
  id: string;
  /** The prompt fields' texts, in order, blank ones left out. */
  prompt: string[];
  response: string;
  /** The row's own fields (with its id), provenance fields removed. */
  fields: Record<string, unknown>;
  /** The provenance fields the row had. */
  provenance: Record<string, unknown>;
}

export interface ExportSource {
  kind: 'run' | 'file';
  /** The file the rows were read from. */
  file: string;
  run?: Omit<RunFolderDataset, 'data'>;
  promptFields: string[];
  responseField: string;
  /** In sample-id order. */
  rows: ExportRow[];
  /** Rows left out for lack of a response (only with allowUnanswered). */
  unanswered: number;
}

export interface ReadExportOptions {
  promptField?: string[] | undefined;
  responseField?: string | undefined;
  allowUnanswered: boolean;
}

/**
 * Reads a run folder (its curated.jsonl when there is one, else samples.jsonl) or a dataset file
 * through core's readers and turns every row into an ExportRow, in sample-id order. A bad row, a
 * duplicated id, or (without allowUnanswered) a row without its response is a ConfigError naming it.
 */
export async function readExportSource(source: string, options: ReadExportOptions): Promise<ExportSource> {
  const isRun = existsSync(source) && statSync(source).isDirectory();
  let run: RunFolderDataset | undefined;
  let data: DatasetFile;
  let defaults: { prompt: string[]; response?: string };
  if (isRun) {
    run = await readRunFolder(source, { field: options.promptField?.[0] });
    const task = run.manifest.task;
    defaults = TASK_FIELDS[task.name] ?? { prompt: [run.data.field], response: DEFAULT_RESPONSE_FIELD };
    const curated = join(source, CURATED_FILE);
    data = existsSync(curated)
      ? await readDatasetFile(curated, options.promptField?.[0] ?? defaults.prompt[0])
      : run.data;
  } else {
    data = await readDatasetFile(source, options.promptField?.[0]);
    const first = data.rows[0]?.record ?? {};
    const alpaca = data.field === 'instruction' && typeof first.input === 'string';
    defaults = {
      prompt: alpaca ? ['instruction', 'input'] : [data.field],
      response: RESPONSE_FIELD_GUESSES.find((name) => typeof first[name] === 'string'),
    };
  }
  if (data.problems.length > 0)
    throw new ConfigError({
      path: '',
      message: `${describeProblems(data.file, data.problems)}; export drops no row silently, so nothing was written`,
    });
  const promptFields = options.promptField ?? defaults.prompt;
  const responseField = options.responseField ?? defaults.response;
  if (!responseField)
    throw new ConfigError({
      path: 'responseField',
      message: `which field of ${data.file} holds the response? none of ${RESPONSE_FIELD_GUESSES.join(', ')} is in its first row`,
    });
  const rows: ExportRow[] = [];
  let unanswered = 0;
  const lines = new Map<string, number>();
  for (const [id, row] of withIds(data.rows)) {
    const earlier = lines.get(id);
    if (earlier !== undefined)
      throw new ConfigError({
        path: `${data.file}:${row.line}`,
        message: `row id "${id}" is used again (first on line ${earlier})`,
      });
    lines.set(id, row.line);
    const response = text(row.record[responseField]);
    if (response === undefined) {
      if (options.allowUnanswered) {
        unanswered++;
        continue;
      }
      throw new ConfigError({
        path: `${data.file}:${row.line}`,
        message: `row ${id} has no "${responseField}" (its response); answer the rows first, name another responseField, or pass allowUnanswered to skip them`,
      });
    }
    rows.push(exportRow(id, row, promptFields, response));
  }
  if (rows.length === 0)
    throw new ConfigError({
      path: data.file,
      message: `no rows to export: all ${unanswered} lack "${responseField}"; answer them first or name another responseField`,
    });
  rows.sort((a, b) => compareSampleIds(a.id, b.id));
  const runInfo = run
    ? { folder: run.folder, manifest: run.manifest, ...(run.tree ? { tree: run.tree } : {}) }
    : undefined;
  return {
    kind: isRun ? 'run' : 'file',
    file: data.file,
    ...(runInfo ? { run: runInfo } : {}),
    promptFields,
    responseField,
    rows,
    unanswered,
  };
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return typeof value === 'string' && value.trim().length > 0 ? value : undefined;
}

function exportRow(
  id: string,
  row: DatasetRow,
  promptFields: readonly string[],
  response: string,
): ExportRow {
  const fields: Record<string, unknown> = { id };
  const provenance: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row.record)) {
    if ((PROVENANCE_FIELDS as readonly string[]).includes(key)) provenance[key] = value;
    else if (key !== 'id') fields[key] = value;
  }
  const prompt = promptFields.map((field) => text(row.record[field])).filter((part) => part !== undefined);
  return { id, prompt, response, fields, provenance };
}

/**
 * Each row's id: its own `id` (a string or number), else the id in its balance provenance
 * (`treesynth.id`), else `h` + 16 hex of the sha256 of its fields (provenance left out), with `~2`,
 * `~3`... for exact copies in file order. So ids do not depend on line numbers.
 */
function* withIds(rows: readonly DatasetRow[]): Generator<[string, DatasetRow]> {
  const copies = new Map<string, number>();
  for (const row of rows) {
    const own = row.record.id;
    const balance = (row.record.treesynth as { id?: unknown } | undefined)?.id;
    if (typeof own === 'string' && own.length > 0) yield [own, row];
    else if (typeof own === 'number') yield [String(own), row];
    else if (typeof balance === 'string' && balance.length > 0) yield [balance, row];
    else {
      const { treesynth: _provenance, ...fields } = row.record;
      const base = `h${sha256(stableStringify(fields)).slice(0, 16)}`;
      const seen = (copies.get(base) ?? 0) + 1;
      copies.set(base, seen);
      yield [seen === 1 ? base : `${base}~${seen}`, row];
    }
  }
}
