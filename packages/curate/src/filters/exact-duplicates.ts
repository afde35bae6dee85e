import { addPair, keepFirst, sortById } from './_keep-first.js';
import { normalizeText } from './normalize-text.js';
import type { DuplicateRemoval, FilterRow } from './removal.js';

/**
 * Exact duplicates: rows whose `normalizeText` keys are equal (NFKC, lower case, punctuation
 * dropped, whitespace collapsed; see `normalizedWords`). In each group the row with the smallest id
 * (`compareSampleIds`: leaf, then call and position as numbers) is kept and every other row is
 * removed with `duplicateOf` naming it. The same rows in any order give the same removals.
 * O(total text length).
 */
export function exactDuplicates(rows: readonly FilterRow[]): DuplicateRemoval[] {
  const sorted = sortById(rows);
  const first = new Map<string, number>();
  const pairs = new Map<number, Map<number, number>>();
  sorted.forEach((row, index) => {
    const key = normalizeText(row.text);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else addPair(pairs, earlier, index, 1);
  });
  return keepFirst(sorted, pairs, 'exact-duplicate');
}
