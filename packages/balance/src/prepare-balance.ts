import { createReadStream } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import {
  type ChatModel,
  ConfigError,
  type DatasetFile,
  type Embedder,
  loadTask,
  type PartitionTree,
  parseEngineConfig,
  readDatasetFile,
  type TaskDefinition,
} from '@treesynth/core';
import { checkOutputPath, RUN_FILES, sha256, stableStringify } from '@treesynth/core/internal';
import type { ModelSource, ParsedBalanceOptions } from './balance-options.js';
import { chatModelSource, embedderSource } from './model-source.js';
import { BALANCE_FILES, type BalanceInputs, checkBalanceFolder } from './output/balance-manifest.js';
import { type BalanceTarget, parseBalanceTarget } from './plan/parse-balance-target.js';
import { loadTreeFile } from './tree/load-tree-file.js';

const ENGINE_DEFAULTS = parseEngineConfig({});

/** Everything a balance needs, checked before its folder is touched. */
export interface PreparedBalance {
  data: DatasetFile;
  out: string;
  target: BalanceTarget;
  /** The tree when loaded from a file; undefined when it is to be built in `<out>/tree`. */
  tree?: PartitionTree;
  task: TaskDefinition;
  /** Where the tree comes from, as plan.json names it. */
  treeLabel: string;
  inputs: BalanceInputs;
  /** Whether this balance calls the chat model (to build the tree, route or synthesize). */
  usesModel: boolean;
  model?: ModelSource<ChatModel>;
  embedder?: ModelSource<Embedder>;
}

async function sha256File(file: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

function resolveTask(request: ParsedBalanceOptions): TaskDefinition | undefined {
  const { task } = request;
  if (task === undefined || typeof task === 'object') return task;
  return loadTask(task, { description: request.description, requirements: request.requirements });
}

/**
 * Check every input of a balance: the data file, the tree (or the task to build one), the target,
 * the models the router needs, and the output folder (missing, empty, or a balance of the same
 * inputs). Nothing is written; the first problem is an error naming its option or file.
 */
export async function prepareBalance(request: ParsedBalanceOptions): Promise<PreparedBalance> {
  const target = parseBalanceTarget(request.target);
  if (request.task === undefined && request.tree === undefined)
    throw new ConfigError({
      path: 'task',
      message:
        'which tree? give the task to build one for (e.g. gsm8k), or the tree to load (a tree.json or run folder)',
    });
  const data = await readDatasetFile(request.data, request.field);
  const out = request.out ?? join('runs', `balance-${basename(request.data, extname(request.data))}`);
  checkOutputPath(out, { flag: 'out', kind: 'folder' });
  for (const name of [BALANCE_FILES.balanced, BALANCE_FILES.plan, BALANCE_FILES.routes])
    if (resolve(request.data) === resolve(out, name))
      throw new ConfigError({
        path: 'out',
        message: `would overwrite the input ${request.data}; choose another output folder`,
      });
  const namedTask = resolveTask(request);
  const fromFile = request.tree ? loadTreeFile(request.tree, namedTask) : undefined;
  const task = (fromFile?.task ?? namedTask)!;
  const identity = fromFile
    ? { treeSha256: await sha256File(fromFile.file), task: task.name }
    : {
        task: task.name,
        taskSha256: sha256(stableStringify(task)),
        depth: request.depth ?? ENGINE_DEFAULTS.tree.depth,
        pivots: request.pivots ?? ENGINE_DEFAULTS.tree.pivots,
      };
  const router = request.router;
  const usesModel = !fromFile || router !== 'embedding' || !request.dryRun;
  const model = request.model ? chatModelSource(request.model) : undefined;
  const embedder = router === 'llm' || !request.embedder ? undefined : embedderSource(request.embedder);
  if (usesModel && !model)
    throw new ConfigError({
      path: 'model',
      message: 'this balance needs a chat model (to build the tree, route with an LLM, or synthesize)',
    });
  if (router !== 'llm' && !embedder)
    throw new ConfigError({ path: 'embedder', message: `the ${router} router needs an embedder` });
  if (router === 'llm' && request.selfTraining)
    throw new ConfigError({ path: 'selfTraining', message: 'the llm router does not learn from the rows' });
  const inputs: BalanceInputs = {
    dataSha256: await sha256File(request.data),
    field: request.field,
    ...identity,
    router,
    marginThreshold: request.marginThreshold ?? null,
    // Only when set: folders balanced before the option existed keep their inputs.
    ...(request.selfTraining ? { selfTraining: request.selfTraining } : {}),
    embedder: embedder?.id ?? null,
    model: model ? `${model.id}${model.simulated ? ' (simulated)' : ''}` : null,
    seed: request.seed,
  };
  checkBalanceFolder(out, inputs);
  return {
    data,
    out,
    target,
    ...(fromFile ? { tree: fromFile.tree } : {}),
    task,
    treeLabel: fromFile ? fromFile.file : join(out, BALANCE_FILES.tree, RUN_FILES.tree),
    inputs,
    usesModel,
    model,
    embedder,
  };
}
