import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError, PartitionTree, readRunManifest, type TaskDefinition } from '@treesynth/core';
import { RUN_FILES, readJsonFile } from '@treesynth/core/internal';

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
  const tree = PartitionTree.parse(readJsonFile(file, 'tree file'), file);
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
  return { tree, task: readRunManifest(manifestFile).task, file };
}
