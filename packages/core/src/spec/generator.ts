import type { EngineConfig } from '../config/engine-config.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import type { ChatModel } from './chat-model.js';
import type { Logger } from './logger.js';
import type { SampleRecord } from './sample.js';

/** Where a generator writes its dataset: the least of a run folder (`RunStore` is one). */
export interface SampleSink {
  readonly dir: string;
  appendSamples(records: readonly SampleRecord[]): Promise<void>;
}

/** What every generator reports when it ends (`RunSummary` is one). */
export interface GenerationSummary {
  status: string;
  /** Why the run failed, or why it is incomplete. */
  error?: string;
  samples: number;
}

export interface GeneratorContext<Sink extends SampleSink = SampleSink> {
  task: TaskDefinition;
  model: ChatModel;
  config: EngineConfig;
  store: Sink;
  signal?: AbortSignal;
  logger?: Logger;
}

/**
 * A way of producing a dataset for a task into a run store. TreeSynth is one; baselines (plain
 * sampling, persona or attribute prompting) are others, so runs of each compare like for like.
 */
export interface Generator<
  Sink extends SampleSink = SampleSink,
  Summary extends GenerationSummary = GenerationSummary,
> {
  readonly id: string;
  /**
   * Check the settings (and the files they name) before the run folder is created or reopened, so
   * bad input leaves nothing behind: throw a ConfigError naming the option. Optional.
   */
  check?(context: { task: TaskDefinition; config: EngineConfig }): void | Promise<void>;
  generate(context: GeneratorContext<Sink>): Promise<Summary>;
}
