import type { EngineConfig } from '../config/engine-config.js';
import type { RunSummary } from '../engine/tree-synth-engine.js';
import type { RunStore } from '../store/run-store.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import type { ChatModel } from './chat-model.js';
import type { Logger } from './logger.js';

export interface GeneratorContext {
  task: TaskDefinition;
  model: ChatModel;
  config: EngineConfig;
  store: RunStore;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * A way of producing a dataset for a task into a run store. TreeSynth is one; baselines (plain
 * sampling, persona or attribute prompting) are others, so runs of each compare like for like.
 */
export interface Generator {
  readonly id: string;
  generate(context: GeneratorContext): Promise<RunSummary>;
}
