import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { featuredNumbers, functionNames, objectNames, personNames, placeNames } from './large-values.js';

describe('large value lists', () => {
  it.each([
    ['personNames', personNames],
    ['objectNames', objectNames],
    ['functionNames', functionNames],
    ['featuredNumbers', featuredNumbers],
    ['placeNames', placeNames],
  ])('%s gives 60 to 120 distinct values for any seed', (_, generate) => {
    const lengths = new Set<number>();
    for (let seed = 0; seed < 300; seed++) {
      const values = generate(createRandom(seed));
      expect(new Set(values).size).toBe(values.length);
      expect(values.length).toBeGreaterThanOrEqual(60);
      expect(values.length).toBeLessThanOrEqual(120);
      lengths.add(values.length);
    }
    expect(lengths.size).toBeGreaterThan(10);
  });
});
