import { gini } from '@treesynth/core/internal';

export { gini, normalizedEntropy } from '@treesynth/core/internal';

/** The q-quantile (0 ≤ q ≤ 1) of values sorted ascending, interpolated linearly (NumPy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const position = q * (n - 1);
  const below = Math.floor(position);
  const above = Math.min(below + 1, n - 1);
  const fraction = position - below;
  return sorted[below]! + (sorted[above]! - sorted[below]!) * fraction;
}

/** Summary of a count distribution (samples per leaf, per cluster). */
export interface CountSummary {
  min: number;
  p10: number;
  median: number;
  p90: number;
  max: number;
  mean: number;
  gini: number;
}

export function summarizeCounts(counts: ArrayLike<number>): CountSummary {
  const sorted = Float64Array.from(counts).sort();
  let total = 0;
  for (const count of sorted) total += count;
  return {
    min: sorted.length > 0 ? sorted[0]! : Number.NaN,
    p10: quantileSorted(sorted, 0.1),
    median: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
    gini: gini(sorted),
  };
}
