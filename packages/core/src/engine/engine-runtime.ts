import type { EngineConfig } from '../config/engine-config.js';
import type { Logger } from '../spec/logger.js';
import type { Stages } from '../spec/stage.js';
import type { RunEvent } from '../store/run-events.js';
import type { RunStore } from '../store/run-store.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import type { EngineState } from './engine-state.js';
import type { StageContextFactory } from './model-calls.js';

/** What the tree builder and the leaf sampler share: the run's inputs, its state, and the run loop's hooks. */
export interface EngineRuntime {
  task: TaskDefinition;
  config: EngineConfig;
  store: RunStore;
  stages: Stages;
  state: EngineState;
  signal: AbortSignal;
  logger: Logger;
  stageContext: StageContextFactory;
  /** Run work in the background: a failure fails the run, and its end wakes the run loop. */
  track: (work: Promise<void>) => void;
  /** Wake the run loop. */
  notify: () => void;
  /** Append an event without waiting; a failed write fails the run. */
  record: (event: RunEvent) => void;
  /** Report progress to the run's listener. */
  progress: () => void;
}
