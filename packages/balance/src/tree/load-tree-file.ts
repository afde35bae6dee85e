import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ConfigError,
  PartitionTree,
  ROOT_ID,
  RUN_FILES,
  type RunManifest,
  readJsonFile,
  type TaskDefinition,
} from '@treesynth/core';

/**
 * A finished tree.json (or a run folder holding one), checked; its task is `task` when given, else
 * the one in the run.json beside it. Every problem is a ConfigError naming the file (or `task`).
 */
export function loadTreeFile(
  reference: string,
  task: TaskDefinition | undefined,
): { tree: PartitionTree; task: TaskDefinition; file: string } {
  const file =
    existsSync(reference) && statSync(reference).isDirectory() ? join(reference, RUN_FILES.tree) : reference;
  const json = readJsonFile(file, 'tree file') as { schemaVersion?: unknown; nodes?: unknown };
  if (typeof json !== 'object' || json === null || !Array.isArray(json.nodes))
    throw new ConfigError({ path: file, message: 'not a tree.json (no "nodes" list)' });
  let tree: PartitionTree;
  try {
    tree = PartitionTree.fromJSON(json as Parameters<typeof PartitionTree.fromJSON>[0]);
  } catch (error) {
    throw new ConfigError({ path: file, message: (error as Error).message });
  }
  if (!tree.nodes.has(ROOT_ID)) throw new ConfigError({ path: file, message: 'the tree has no root node' });
  for (const node of tree.nodes.values()) {
    for (const child of node.children ?? [])
      if (!tree.nodes.has(child))
        throw new ConfigError({
          path: file,
          message: `node ${node.id} names a child ${child} that is not in the file`,
        });
  }
  const pending = tree.counts.pending;
  if (pending > 0)
    throw new ConfigError({
      path: file,
      message: `the tree is not finished (${pending} pending nodes); finish it with treesynth tree --resume --out <its run folder>`,
    });
  if (tree.leaves().length === 0) throw new ConfigError({ path: file, message: 'the tree has no leaves' });
  if (task) return { tree, task, file };
  const manifestFile = join(dirname(file), RUN_FILES.manifest);
  if (!existsSync(manifestFile))
    throw new ConfigError({
      path: 'task',
      message: `${file} has no ${RUN_FILES.manifest} beside it to name its task; give the task (e.g. gsm8k)`,
    });
  const manifest = readJsonFile(manifestFile, 'run manifest') as RunManifest;
  return { tree, task: manifest.task, file };
}
