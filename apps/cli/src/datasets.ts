import { existsSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import {
  ConfigError,
  compareSampleIds,
  parseTask,
  primaryField,
  RUN_FILES,
  type RunManifest,
  readJsonFile,
  readTreeFile,
  type SerializedTree,
  seededSample,
} from '@treesynth/core';
import { describeProblems, readDatasetFile } from './dataset-file.js';

/** A dataset to compare: a TreeSynth run folder or a JSONL/JSON file of records. */
export interface LoadedDataset {
  name: string;
  source: string;
  kind: 'run' | 'file';
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
  /** Rows in the source before any `limit`. */
  totalRows: number;
  /** One-line description of bad rows left out, or ''. */
  problems: string;
}

export interface LoadOptions {
  /** The text field; default: the run task's primary field, or a guess for files. */
  field?: string;
  /** Keep at most this many rows, drawn with `seed` (order kept). */
  limit?: number;
  seed?: number;
}

/**
 * `name=path` names a dataset in tables and plots; otherwise its folder or file name is used. A
 * prefix is a name only when it has no path separator, so paths containing `=` still work.
 */
export function splitNamedSource(argument: string): { name?: string; source: string } {
  const at = argument.indexOf('=');
  if (at > 0) {
    const name = argument.slice(0, at);
    if (!/[\\/]/.test(name) && !existsSync(argument)) return { name, source: argument.slice(at + 1) };
  }
  return { source: argument };
}

interface PathStepLike {
  dimension: string;
  value: string;
}

function isPath(value: unknown): value is PathStepLike[] {
  return (
    Array.isArray(value) &&
    value.every(
      (step) =>
        typeof step === 'object' &&
        step !== null &&
        typeof (step as PathStepLike).dimension === 'string' &&
        typeof (step as PathStepLike).value === 'string',
    )
  );
}

/** Provenance a row may carry: a run's `leaf_id`/`path`, or a balanced row's `treesynth` object. */
function provenanceOf(record: Record<string, unknown>): { leafId?: string; path?: PathStepLike[] } {
  const nested = record.treesynth;
  const source = typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>) : record;
  const leafId = source.leaf_id;
  const path = source.path ?? source.leaf_path;
  return {
    ...(typeof leafId === 'string' ? { leafId } : {}),
    ...(isPath(path) ? { path } : {}),
  };
}

function sampleId(record: Record<string, unknown>): string {
  return typeof record.id === 'string' ? record.id : '';
}

/** Picks `limit` of `count` indices, seeded, in increasing order. */
export function sampleIndices(count: number, limit: number, seed: number | string): number[] {
  return seededSample(count, limit, `datasets:${seed}`).sort((a, b) => a - b);
}

/** Loads one dataset from a run folder (run.json, samples.jsonl, tree.json) or a file. */
export async function loadDataset(argument: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  const { name: givenName, source } = splitNamedSource(argument);
  if (!existsSync(source)) throw new ConfigError({ path: source, message: 'no such file or run folder' });
  const isRun = statSync(source).isDirectory();
  let manifest: RunManifest | undefined;
  let file = source;
  let field = options.field;
  let tree: SerializedTree | undefined;
  if (isRun) {
    const manifestFile = join(source, RUN_FILES.manifest);
    if (!existsSync(manifestFile))
      throw new ConfigError({
        path: source,
        message: `is a folder without ${RUN_FILES.manifest}; expected a TreeSynth run folder or a JSONL/JSON file`,
      });
    const json = readJsonFile(manifestFile, RUN_FILES.manifest);
    if (typeof json !== 'object' || json === null || !('task' in json))
      throw new ConfigError({
        path: manifestFile,
        message: 'has no task; not the run.json of a TreeSynth run',
      });
    manifest = { ...(json as RunManifest), task: parseTask(json.task, `${manifestFile}: task`) };
    field ??= primaryField(manifest.task);
    file = join(source, RUN_FILES.samples);
    tree = readTreeFile(join(source, RUN_FILES.tree))?.toJSON();
  }
  const data = await readDatasetFile(file, field);
  // A run's samples.jsonl is in the order its calls finished; read it in id order instead.
  if (isRun) data.rows.sort((a, b) => compareSampleIds(sampleId(a.record), sampleId(b.record)));
  const indices = sampleIndices(
    data.rows.length,
    options.limit ?? Number.POSITIVE_INFINITY,
    options.seed ?? 0,
  );
  const rows = indices.map((index) => data.rows[index]!);
  const provenance = rows.map((row) => provenanceOf(row.record));
  const withLeaves = provenance.every((entry) => entry.leafId !== undefined);
  const withPaths = provenance.every((entry) => entry.path !== undefined);
  return {
    name: givenName ?? (isRun ? basename(source.replace(/[\\/]+$/, '')) : basename(source, extname(source))),
    source,
    kind: isRun ? 'run' : 'file',
    texts: rows.map((row) => row.text),
    field: data.field,
    ...(withLeaves && rows.length > 0 ? { leafIds: provenance.map((entry) => entry.leafId!) } : {}),
    ...(withPaths && rows.length > 0
      ? {
          leafPaths: provenance.map((entry) =>
            entry.path!.map((step) => `${step.dimension}: ${step.value}`).join(' > '),
          ),
          branches: provenance.map((entry) => entry.path![0]?.value ?? '(root)'),
        }
      : {}),
    ...(tree ? { tree } : {}),
    simulated: manifest?.simulated === true,
    totalRows: data.rows.length,
    problems: describeProblems(file, data.problems),
  };
}

/** Loads every source; names made unique by suffixing ` (2)`, ` (3)`. */
export async function loadDatasets(arguments_: readonly string[], options: LoadOptions = {}) {
  if (arguments_.length === 0)
    throw new ConfigError({ path: '<files>', message: 'name at least one run folder or JSONL file' });
  const datasets: LoadedDataset[] = [];
  const seen = new Map<string, number>();
  for (const argument of arguments_) {
    const dataset = await loadDataset(argument, options);
    const count = (seen.get(dataset.name) ?? 0) + 1;
    seen.set(dataset.name, count);
    if (count > 1) dataset.name = `${dataset.name} (${count})`;
    datasets.push(dataset);
  }
  return datasets;
}
