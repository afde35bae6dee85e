import { createRandom } from '@treesynth/core';

/**
 * Keep `keep` of `items`, drawn without replacement by a generator seeded with `seed`; the kept items
 * come back in their original order. The same items, count and seed always keep the same ones.
 * Returns all of them when `keep` is at least their number.
 */
export function downsample<T>(items: readonly T[], keep: number, seed: number | string): T[] {
  if (keep >= items.length) return [...items];
  if (keep <= 0) return [];
  const random = createRandom(seed);
  const positions = items.map((_, index) => index);
  // A partial Fisher-Yates shuffle: the first `keep` positions are a uniform draw.
  for (let index = 0; index < keep; index++) {
    const other = index + Math.floor(random() * (positions.length - index));
    [positions[index], positions[other]] = [positions[other]!, positions[index]!];
  }
  return positions
    .slice(0, keep)
    .sort((a, b) => a - b)
    .map((position) => items[position]!);
}
