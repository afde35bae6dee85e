import { existsSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import {
  ConfigError,
  type DatasetFile,
  readDatasetFile,
  readRunFolder,
  type SerializedTree,
} from '@treesynth/core';
import { describeProblems, seededSample, textRows } from '@treesynth/core/internal';
import { z } from 'zod';

/** A dataset to compare: a run folder or JSONL/JSON file (`path`), or records in memory (`rows`). */
export const datasetInputSchema = z
  .object({
    /** The column and legend name; default: the folder or file name. */
    name: z.string().min(1).optional(),
    /** A TreeSynth run folder, or a JSONL/JSON file of records. */
    path: z.string().min(1).optional(),
    /** Records in memory, read like the elements of a .json array file (bad ones left out). */
    rows: z.array(z.unknown()).optional(),
  })
  .strict()
  .refine((input) => (input.path === undefined) !== (input.rows === undefined), {
    message: 'give either path or rows',
  })
  .refine((input) => input.rows === undefined || input.name !== undefined, {
    message: 'rows need a name',
    path: ['name'],
  });

export type DatasetInput = z.input<typeof datasetInputSchema>;

/**
 * A dataset named on a command line: `name=path` sets its name in tables and plots, else its folder or
 * file name is used. The prefix is a name only when it has no path separator and the whole argument is
 * no existing path, so paths containing `=` still work.
 */
export function datasetInputFromArgument(argument: string): DatasetInput {
  const at = argument.indexOf('=');
  const name = argument.slice(0, at);
  if (at > 0 && !/[\\/]/.test(name) && !existsSync(argument)) return { name, path: argument.slice(at + 1) };
  return { path: argument };
}

/** A dataset read and cut to `limit`, with its provenance where the rows carry it. */
export interface LoadedDataset {
  name: string;
  /** The path it was read from; absent for rows given in memory. */
  source?: string;
  kind: 'run' | 'file' | 'rows';
  texts: string[];
  /** The field the texts came from. */
  field: string;
  /** Per sample, when the rows carry TreeSynth provenance (`leaf_id`). */
  leafIds?: string[];
  /** Per sample, `dimension: value > …`. */
  leafPaths?: string[];
  /** Per sample, the first-level value. */
  branches?: string[];
  /** The run's tree (runs only). */
  tree?: SerializedTree;
  simulated: boolean;
  /** Usable rows in the source before any `limit`. */
  totalRows: number;
  /** One line describing the bad rows left out, or ''. */
  problems: string;
  /** Bad rows left out. */
  skippedRows: number;
}

interface PathStep {
  dimension: string;
  value: string;
}

function isPath(value: unknown): value is PathStep[] {
  return (
    Array.isArray(value) &&
    value.every(
      (step) =>
        typeof step === 'object' &&
        step !== null &&
        typeof (step as PathStep).dimension === 'string' &&
        typeof (step as PathStep).value === 'string',
    )
  );
}

/** Provenance a row may carry: a run's `leaf_id`/`path`, or a balanced row's `treesynth` object. */
function provenanceOf(record: Record<string, unknown>): { leafId?: string; path?: PathStep[] } {
  const nested = record.treesynth;
  const source = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : record;
  const leafId = source.leaf_id;
  const path = source.path ?? source.leaf_path;
  return {
    ...(typeof leafId === 'string' ? { leafId } : {}),
    ...(isPath(path) ? { path } : {}),
  };
}

/** What a loaded row keeps of its record: its id (run rows are sorted by it) and its provenance. */
interface KeptRecord extends Record<string, unknown> {
  id?: string;
  leafId?: string;
  /** `dimension: value > …` */
  leafPath?: string;
  branch?: string;
}

/**
 * A projection keeping only the id and provenance of each record, with the provenance strings shared
 * between rows of one leaf, so a million-row file costs little more than its texts.
 */
function provenanceProjection(): (record: Record<string, unknown>) => KeptRecord {
  const shared = new Map<string, string>();
  const intern = (text: string) => {
    const known = shared.get(text);
    if (known !== undefined) return known;
    shared.set(text, text);
    return text;
  };
  return (record) => {
    const { leafId, path } = provenanceOf(record);
    const kept: KeptRecord = {};
    if (typeof record.id === 'string') kept.id = record.id;
    if (leafId !== undefined) kept.leafId = intern(leafId);
    if (path !== undefined) {
      kept.leafPath = intern(path.map((step) => `${step.dimension}: ${step.value}`).join(' > '));
      kept.branch = intern(path[0]?.value ?? '(root)');
    }
    return kept;
  };
}

/** Picks `limit` of `count` indices, seeded, in increasing order. */
export function sampleIndices(count: number, limit: number, seed: number | string): number[] {
  return seededSample(count, limit, `datasets:${seed}`).sort((a, b) => a - b);
}

interface LoadOptions {
  field?: string | undefined;
  limit?: number | undefined;
  seed: number;
}

async function readInput(input: DatasetInput, index: number, field: string | undefined) {
  const project = provenanceProjection();
  if (input.rows) {
    const source = `datasets[${index}].rows`;
    const values = input.rows.map((value, row) => ({ line: row + 1, value }));
    const data: DatasetFile = { file: source, ...textRows(values, { source, field, project }) };
    return { kind: 'rows' as const, name: input.name!, data };
  }
  const path = input.path!;
  let isFolder: boolean;
  try {
    isFolder = statSync(path).isDirectory();
  } catch {
    throw new ConfigError({ path, message: 'no such file or run folder' });
  }
  if (isFolder) {
    const run = await readRunFolder(path, { field, project });
    return { kind: 'run' as const, name: basename(path.replace(/[\\/]+$/, '')), source: path, ...run };
  }
  const data = await readDatasetFile(path, field, { project });
  return { kind: 'file' as const, name: basename(path, extname(path)), source: path, data };
}

/** Reads one dataset, keeps at most `limit` rows drawn with `seed` (in order), and its provenance. */
export async function loadDataset(
  input: DatasetInput,
  index: number,
  options: LoadOptions,
): Promise<LoadedDataset> {
  const read = await readInput(input, index, options.field);
  const { data } = read;
  const indices = sampleIndices(data.rows.length, options.limit ?? Number.POSITIVE_INFINITY, options.seed);
  const rows = indices.map((row) => data.rows[row]!);
  const provenance = rows.map((row) => row.record as KeptRecord);
  const withLeaves = provenance.every((entry) => entry.leafId !== undefined);
  const withPaths = provenance.every((entry) => entry.leafPath !== undefined);
  const manifest = 'manifest' in read ? read.manifest : undefined;
  return {
    name: input.name ?? read.name,
    ...('source' in read ? { source: read.source } : {}),
    kind: read.kind,
    texts: rows.map((row) => row.text),
    field: data.field,
    ...(withLeaves ? { leafIds: provenance.map((entry) => entry.leafId!) } : {}),
    ...(withPaths
      ? {
          leafPaths: provenance.map((entry) => entry.leafPath!),
          branches: provenance.map((entry) => entry.branch!),
        }
      : {}),
    ...('tree' in read && read.tree ? { tree: read.tree } : {}),
    simulated: manifest?.simulated === true,
    totalRows: data.rows.length,
    problems: describeProblems(data.file, data.problems),
    skippedRows: data.problems.length,
  };
}
