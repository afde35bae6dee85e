import type { CurateResult } from './pipeline/curate-run.js';
import type { TargetResult } from './pipeline/target-size.js';

/** A curation as text: the rows left, then a line per step (rows in and out, removals by reason, calls). */
export function formatCuration(result: CurateResult): string {
  const lines = result.summary.steps.map((step) => {
    const removed = Object.entries(step.removed ?? {})
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ');
    return `  ${step.step.padEnd(13)} ${step.rowsIn} → ${step.rowsOut}${removed ? ` (removed: ${removed})` : ''}, ${step.calls ?? 0} calls paid, ${step.cachedCalls ?? 0} cached, ${step.seconds ?? 0}s`;
  });
  return `curation of ${result.folder}: ${result.rows} rows in curated.jsonl\n${lines.join('\n')}\n`;
}

/** A target size's outcome as a line: reached, or why not and `next`, how to go on. */
export function formatTarget(
  target: TargetResult,
  next = 'raise maxBudgetFactor or the tree depth and resume',
): string {
  const budget = `sample budget ${target.initialBudget ?? 'unlimited'} → ${target.budget ?? 'unlimited'} (cap ${target.cap ?? '-'})`;
  return target.reached
    ? `target ${target.targetRows} rows reached: ${budget}, ${target.rounds} top-up(s) in this process\n`
    : `target ${target.targetRows} rows NOT reached (${target.stopped}): ${target.curation.rows} rows, ${budget}; ${next}\n`;
}
