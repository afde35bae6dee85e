import {
  type ChatModel,
  type EngineConfig,
  type Logger,
  type RunProgress,
  RunStore,
  runTreeSynth,
  type TaskDefinition,
} from '@treesynth/core';
import { sha256, stableStringify } from '@treesynth/core/internal';

export interface BuildTreeOptions {
  /** The tree run's folder (`<balance folder>/tree`): created, or resumed when it holds a run. */
  dir: string;
  task: TaskDefinition;
  model: ChatModel;
  config: EngineConfig;
  simulated: boolean;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (progress: RunProgress) => void;
}

/**
 * Stage one of TreeSynth in its own run folder, as `treesynth tree` makes it (same manifest and
 * fingerprint parts, so `treesynth tree --resume --out <dir>` can finish it too). A folder that
 * already holds a run is resumed: the balance folder's inputs (task, depth, pivots, seed, model)
 * were checked against balance.json before this, so the run in it is the one these options make.
 * TODO(corefn): open it through core's `openRun` once that lands, for the fingerprint check.
 */
export async function buildTree(options: BuildTreeOptions): Promise<void> {
  const { dir, task, model, config } = options;
  const fingerprint = sha256(
    stableStringify({
      task,
      tree: config.tree,
      synthesis: config.synthesis,
      maxSamples: config.maxSamples ?? null,
      seed: config.seed,
      model: model.modelId,
    }),
  );
  const store = RunStore.exists(dir)
    ? await RunStore.open(dir)
    : await RunStore.create(dir, {
        fingerprint,
        task,
        config,
        model: { provider: model.provider, modelId: model.modelId },
        ...(options.simulated ? { simulated: true } : {}),
        extra: { command: 'tree', stages: {}, stageFingerprints: {} },
      });
  try {
    await runTreeSynth({
      task,
      model,
      config,
      store,
      treeOnly: true,
      signal: options.signal,
      logger: options.logger,
      onProgress: options.onProgress,
    });
  } finally {
    await store.close();
  }
}
