import type { ChatUsage } from '../spec/chat-model.js';
import type { LeafReason, NodeSplit } from '../tree/partition-tree.js';
import type { RunStatus } from './run-store.js';

/**
 * The event log (`events.jsonl`), append-only. The tree and the set of finished leaf calls are
 * rebuilt from it on resume; usage is summed from its `call` events.
 */
export type RunEvent =
  | { type: 'run-start'; at: string; resumed: boolean }
  | { type: 'node-split'; node: string; split: NodeSplit }
  | { type: 'node-leaf'; node: string; reason: LeafReason; detail?: string[] }
  | { type: 'budget'; maxSamples: number; demand: number; planned: number; leaves: number }
  | {
      type: 'call';
      stage: string;
      key: string;
      usage: ChatUsage;
      cached: boolean;
      ms: number;
    }
  | {
      type: 'leaf-call';
      leaf: string;
      index: number;
      samples: number;
      /** Samples the call asked for; they count toward the leaf's target. Absent in older logs: `samples`. */
      size?: number;
    }
  | {
      type: 'leaf-call-failed';
      leaf: string;
      index: number;
      error: string;
      /** The endpoint kept failing (not the answer): the next resume tries the call again. */
      retryable?: boolean;
    }
  /** A leaf call written to a batch file; ingest accepts results for these custom_ids only. */
  | { type: 'batch-request'; key: string; call: string }
  | {
      /** samples.jsonl held fewer or more rows than the finished leaf calls made; resume fixed it. */
      type: 'samples-repaired';
      rowsFromCache: number;
      rowsRequested: number;
      duplicatesDropped: number;
    }
  | {
      type: 'run-end';
      at: string;
      status: Exclude<RunStatus, 'running'>;
      error?: string;
    };
