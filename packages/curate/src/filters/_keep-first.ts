import { ConfigError } from '@treesynth/core';
import { compareSampleIds } from '@treesynth/core/internal';
import type { DuplicateRemoval, FilterRow } from './removal.js';

/** Rows sorted by id (`compareSampleIds`); a repeated id is an error naming it. */
export function sortById<Row extends FilterRow>(rows: readonly Row[]): Row[] {
  const sorted = [...rows].sort((a, b) => compareSampleIds(a.id, b.id));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.id === sorted[i - 1]!.id)
      throw new ConfigError({ path: 'rows', message: `id ${sorted[i]!.id} appears twice` });
  }
  return sorted;
}

/**
 * Pairs of similar rows (indexes into id-sorted rows) → removals. Rows are visited in id order; a row
 * is removed when it is similar to an earlier row that is kept, and names the first such row (so a
 * removal always points at a kept row it really resembles, never at a chain of removed ones). The
 * result depends only on the set of pairs, not on the order they were found in.
 */
export function keepFirst(
  sorted: readonly FilterRow[],
  pairs: Map<number, Map<number, number>>,
  reason: DuplicateRemoval['reason'],
): DuplicateRemoval[] {
  const removed = new Uint8Array(sorted.length);
  const removals: DuplicateRemoval[] = [];
  const later = [...pairs.keys()].sort((a, b) => a - b);
  for (const row of later) {
    const earlier = pairs.get(row)!;
    let keptIndex = -1;
    for (const index of earlier.keys()) {
      if (!removed[index] && (keptIndex < 0 || index < keptIndex)) keptIndex = index;
    }
    if (keptIndex < 0) continue;
    removed[row] = 1;
    removals.push({
      id: sorted[row]!.id,
      reason,
      duplicateOf: sorted[keptIndex]!.id,
      similarity: earlier.get(keptIndex)!,
    });
  }
  return removals;
}

/** Record that rows a < b are similar (pairs are stored under the later row). */
export function addPair(
  pairs: Map<number, Map<number, number>>,
  a: number,
  b: number,
  similarity: number,
): void {
  const [low, high] = a < b ? [a, b] : [b, a];
  const earlier = pairs.get(high);
  if (earlier === undefined) pairs.set(high, new Map([[low, similarity]]));
  else earlier.set(low, similarity);
}
