import type { CuratedRows } from './curate-rows.js';

/** The removal reason (and step) of rows past a target size. */
export const TARGET_SIZE_REASON = 'target-size';

/**
 * The first `target` kept rows (they are in sample-id order); the rest removed with reason
 * `target-size` and counted as a last step. Unchanged when there is no target or no excess.
 */
export function trimToTarget(curated: CuratedRows, target: number | undefined): CuratedRows {
  if (target === undefined || curated.rows.length <= target) return curated;
  const extra = curated.rows.slice(target);
  return {
    rows: curated.rows.slice(0, target),
    removed: [
      ...curated.removed,
      ...extra.map((row) => ({ id: row.id, step: TARGET_SIZE_REASON, reason: TARGET_SIZE_REASON })),
    ],
    steps: [
      ...curated.steps,
      {
        step: TARGET_SIZE_REASON,
        rowsIn: curated.rows.length,
        rowsOut: target,
        removed: { [TARGET_SIZE_REASON]: extra.length },
        calls: 0,
        cachedCalls: 0,
        seconds: 0,
      },
    ],
  };
}
