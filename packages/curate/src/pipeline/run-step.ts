import { compareSampleIds } from '@treesynth/core/internal';
import type { CurationRow, CurationStep, StepContext, StepOutcome } from './curation-step.js';
import { StepLog } from './step-log.js';

type Removal = Extract<StepOutcome, { removed: unknown }>;

export interface StepReport {
  step: string;
  fingerprint: string;
  settings: unknown;
  rowsIn: number;
  /** Rows out, in sample-id order. */
  kept: CurationRow[];
  /** Removed rows, in sample-id order. */
  removed: Removal[];
  /** Paid and cached model calls this process made for the step. */
  calls: number;
  cachedCalls: number;
  /** Wall time of the step in this process. */
  seconds: number;
}

/**
 * Run one step over `rows`: the rows its log lacks (all of them for a set step whose log is stale),
 * at most `concurrency` at a time, each outcome appended as it finishes.
 */
export async function runStep(
  step: CurationStep,
  rows: readonly CurationRow[],
  options: {
    file: string;
    fingerprint: string;
    context: StepContext;
    concurrency: number;
    onProgress?: ((progress: { step: string; done: number; total: number }) => void) | undefined;
  },
): Promise<StepReport> {
  const started = performance.now();
  let outcomes: Map<string, StepOutcome>;
  if (step.kind === 'set') {
    const log = await StepLog.open(options.file, step.id, options.fingerprint);
    await log.close();
    outcomes = log.done;
    if (!rows.every((row) => outcomes.has(row.id))) {
      const fresh = await step.run(rows, options.context);
      await StepLog.write(options.file, step.id, options.fingerprint, fresh);
      outcomes = new Map(fresh.map((outcome) => [outcome.id, outcome]));
    }
  } else {
    const log = await StepLog.open(options.file, step.id, options.fingerprint);
    try {
      const pending = rows.filter((row) => !log.done.has(row.id));
      let done = rows.length - pending.length;
      let next = 0;
      let failed = false;
      const worker = async () => {
        while (next < pending.length && !failed) {
          const row = pending[next++]!;
          const outcome = await step.run(row, options.context).catch((error: unknown) => {
            failed = true;
            throw error;
          });
          await log.append(outcome);
          options.onProgress?.({ step: step.id, done: ++done, total: rows.length });
        }
      };
      // Every worker stops before the log closes, so no outcome is appended after it.
      const settled = await Promise.allSettled(
        Array.from({ length: Math.min(options.concurrency, pending.length) }, worker),
      );
      const failure = settled.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
    } finally {
      await log.close();
    }
    outcomes = log.done;
  }
  const kept: CurationRow[] = [];
  const removed: Removal[] = [];
  for (const row of rows) {
    const outcome = outcomes.get(row.id);
    if (!outcome) throw new Error(`curation step ${step.id}: no outcome for row ${row.id}`);
    if ('removed' in outcome) removed.push(outcome);
    else kept.push(outcome.row as CurationRow);
  }
  kept.sort((a, b) => compareSampleIds(a.id, b.id));
  removed.sort((a, b) => compareSampleIds(a.id, b.id));
  return {
    step: step.id,
    fingerprint: options.fingerprint,
    settings: step.settings,
    rowsIn: rows.length,
    kept,
    removed,
    calls: 0,
    cachedCalls: 0,
    seconds: Math.round((performance.now() - started) / 10) / 100,
  };
}
