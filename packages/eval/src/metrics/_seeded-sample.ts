import { createRandom } from '@treesynth/core';

/**
 * `count` distinct indices drawn uniformly from [0, total) with a seeded generator (partial
 * Fisher-Yates), in the order drawn; all indices in order when count >= total.
 */
export function seededSample(total: number, count: number, seed: number | string): number[] {
  const indices = Array.from({ length: total }, (_, i) => i);
  if (count >= total) return indices;
  const random = createRandom(seed);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (total - i));
    const held = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = held;
  }
  return indices.slice(0, count);
}
