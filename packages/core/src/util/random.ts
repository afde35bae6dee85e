import { hash32 } from './hash.js';

/** A small, fast, seedable generator (mulberry32). Returns numbers in [0, 1). */
export function createRandom(seed: number | string): () => number {
  let state = typeof seed === 'number' ? seed >>> 0 : hash32(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(items: readonly T[], random: () => number): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(random() * items.length)] as T;
}

/**
 * `count` distinct indices drawn uniformly from [0, total) with a generator seeded by `seed` (a
 * partial Fisher-Yates shuffle), in the order drawn; all indices in order when count >= total.
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
  return indices.slice(0, Math.max(0, count));
}
