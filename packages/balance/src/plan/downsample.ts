import { seededSample } from '@treesynth/core/internal';

/**
 * Keep `keep` of `items`, drawn without replacement by a generator seeded with `seed`; the kept items
 * come back in their original order. The same items, count and seed always keep the same ones.
 * Returns all of them when `keep` is at least their number.
 */
export function downsample<T>(items: readonly T[], keep: number, seed: number | string): T[] {
  if (keep >= items.length) return [...items];
  if (keep <= 0) return [];
  return seededSample(items.length, keep, seed)
    .sort((a, b) => a - b)
    .map((position) => items[position]!);
}
