import type { ChatModel, Logger, TaskDefinition } from '@treesynth/core';

/** A row of a run: a samples.jsonl line (its id, the task's fields, provenance), plus what steps added. */
export type CurationRow = Record<string, unknown> & { id: string };

/** What a step did with one row: kept (maybe changed) or removed, with a reason and details. */
export type StepOutcome =
  | { id: string; row: CurationRow }
  | { id: string; removed: { reason: string; details?: Record<string, unknown> } };

/** What a step may use: the run's task, its models (each behind the run's call stack and cache). */
export interface StepContext {
  task: TaskDefinition;
  /** The model a step named in its settings, or the run's model. */
  model(id?: string): ChatModel;
  signal?: AbortSignal;
  logger: Logger;
}

/**
 * A curation step. `settings` are fingerprinted: a change redoes this step and the ones after it.
 * A row step handles one row at a time (its outcomes are logged as they finish, so a kill loses at
 * most the rows in flight); a set step sees every row at once (dedup) and is logged when done.
 */
export type CurationStep =
  | {
      id: string;
      settings: unknown;
      kind: 'row';
      run(row: CurationRow, context: StepContext): Promise<StepOutcome>;
      /** Called once after the last row (closing a sandbox). */
      close?(): Promise<void>;
    }
  | {
      id: string;
      settings: unknown;
      kind: 'set';
      run(rows: readonly CurationRow[], context: StepContext): Promise<StepOutcome[]>;
    };
