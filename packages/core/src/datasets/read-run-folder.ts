import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile } from '../config/read-json-file.js';
import { ConfigError } from '../errors/config-error.js';
import { RUN_FILES, type RunManifest, readTreeFile } from '../store/run-store.js';
import { compareSampleIds } from '../store/sample-order.js';
import { parseTask } from '../tasks/load-task.js';
import { primaryField } from '../tasks/task-definition.js';
import type { SerializedTree } from '../tree/partition-tree.js';
import { type DatasetFile, readDatasetFile } from './read-dataset-file.js';
import type { RecordProjection } from './text-rows.js';

/** A run folder read as a dataset. */
export interface RunFolderDataset {
  folder: string;
  manifest: RunManifest;
  /** The run's tree, when it has a tree.json. */
  tree?: SerializedTree;
  /** samples.jsonl, rows in sample-id order (not the order the calls finished in). */
  data: DatasetFile;
}

/**
 * Reads a TreeSynth run folder as a dataset: run.json (its task), samples.jsonl in sample-id order
 * with `field` (default: the task's primary field) as the text, and tree.json when present. Only
 * reads; `project` as in `readDatasetFile` (keep `id`: rows are sorted by it). A folder without run.json, a run.json without a task, or a broken tree.json is a ConfigError
 * naming the file.
 */
export async function readRunFolder(
  folder: string,
  options: { field?: string | undefined; project?: RecordProjection | undefined } = {},
): Promise<RunFolderDataset> {
  const manifest = readRunTask(folder);
  const tree = readTreeFile(join(folder, RUN_FILES.tree))?.toJSON();
  const data = await readDatasetFile(
    join(folder, RUN_FILES.samples),
    options.field ?? primaryField(manifest.task),
    { project: options.project },
  );
  const id = (row: (typeof data.rows)[number]) => (typeof row.record.id === 'string' ? row.record.id : '');
  data.rows.sort((a, b) => compareSampleIds(id(a), id(b)));
  return { folder, manifest, ...(tree ? { tree } : {}), data };
}

/** run.json of a run read as a dataset: only its task must be there (older or partial runs are read too). */
function readRunTask(folder: string): RunManifest {
  const file = join(folder, RUN_FILES.manifest);
  if (!existsSync(file))
    throw new ConfigError({
      path: folder,
      message: `is a folder without ${RUN_FILES.manifest}; expected a TreeSynth run folder or a JSONL/JSON file`,
    });
  const json = readJsonFile(file, RUN_FILES.manifest);
  if (typeof json !== 'object' || json === null || !('task' in json))
    throw new ConfigError({ path: file, message: 'has no task; not the run.json of a TreeSynth run' });
  return { ...(json as RunManifest), task: parseTask(json.task, `${file}: task`) };
}
