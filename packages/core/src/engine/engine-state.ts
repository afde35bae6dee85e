import { PartitionTree } from '../tree/partition-tree.js';
import { UsageTracker } from './usage-tracker.js';

/** What resume did to bring samples.jsonl back in step with the leaf calls in the event log. */
export interface SamplesRepair {
  /** Rows missing (a torn, cut or deleted file) and made again from the response cache, free. */
  rowsFromCache: number;
  /** Rows missing whose answers the cache lacked: their calls were made again. */
  rowsRequested: number;
  /** Rows missing and not restored (the run stopped first, or the call is no longer planned). */
  rowsMissing: number;
  /** Rows whose id an earlier row had, dropped. */
  duplicatesDropped: number;
}

/** Set when `maxSamples` capped the dataset. */
export interface BudgetNote {
  maxSamples: number;
  demand: number;
  planned: number;
  message: string;
}

/**
 * What a run knows, shared by replay, the tree builder, the leaf sampler and the summary: rebuilt from
 * the event log on resume, then grown by this session's work.
 */
export interface EngineState {
  readonly tree: PartitionTree;
  readonly usage: UsageTracker;
  /** Leaf calls finished (or failed) by call id (`leaf:index`). */
  readonly doneCalls: Set<string>;
  /** The samples each finished leaf call asked for, by leaf id and call index: they count toward the leaf's target. */
  readonly madeCalls: Map<string, Map<number, number>>;
  /** Leaf calls that failed in an earlier session: tried again, past any cached unusable answer. */
  readonly failedBefore: Set<string>;
  /** Finished leaf calls whose rows samples.jsonl lacks, by call key: made again; `paid` if the cache missed. */
  readonly repairing: Map<string, { paid: boolean }>;
  /**
   * Ids of rows in samples.jsonl that no finished leaf call vouches for yet (rows a crash left without
   * their call's event, or the rows of calls being repaired): a re-made call appends only the rows
   * missing. Emptied as calls finish, so it never holds the whole dataset.
   */
  existingIds: Set<string>;
  samples: number;
  failedCalls: number;
  lastFailure: string;
  deferredCalls: number;
  leafCallsPlanned: number;
  simulated: boolean;
  budget: BudgetNote | undefined;
  repaired: SamplesRepair | undefined;
}

export function createEngineState(): EngineState {
  return {
    tree: new PartitionTree(),
    usage: new UsageTracker(),
    doneCalls: new Set(),
    madeCalls: new Map(),
    failedBefore: new Set(),
    repairing: new Map(),
    existingIds: new Set(),
    samples: 0,
    failedCalls: 0,
    lastFailure: '',
    deferredCalls: 0,
    leafCallsPlanned: 0,
    simulated: false,
    budget: undefined,
    repaired: undefined,
  };
}

/** Note a finished leaf call and the samples it asked for. */
export function recordMade(state: EngineState, leaf: string, index: number, size: number): void {
  const made = state.madeCalls.get(leaf) ?? new Map<number, number>();
  made.set(index, size);
  state.madeCalls.set(leaf, made);
}

/** A leaf call's id in `doneCalls` and `failedBefore`. */
export function callId(leaf: string, index: number): string {
  return `${leaf}:${index}`;
}

/** The call key (cache key part, seed, random stream) of a leaf call. */
export function leafCallKey(leaf: string, index: number): string {
  return `leaf:${leaf}:${index}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
