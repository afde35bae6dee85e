import { describe, expect, it } from 'vitest';
import { downsample } from './downsample.js';

const items = Array.from({ length: 20 }, (_, index) => `row${index}`);

describe('downsample', () => {
  it('keeps the requested number, in the original order, without repeats', () => {
    const kept = downsample(items, 7, 'seed');
    expect(kept).toHaveLength(7);
    expect(new Set(kept).size).toBe(7);
    expect(kept).toEqual([...kept].sort((a, b) => items.indexOf(a) - items.indexOf(b)));
    for (const item of kept) expect(items).toContain(item);
  });

  it('is reproducible for a seed and differs across seeds', () => {
    expect(downsample(items, 7, 'seed')).toEqual(downsample(items, 7, 'seed'));
    expect(downsample(items, 7, 'seed')).not.toEqual(downsample(items, 7, 'other seed'));
  });

  it('keeps everything or nothing at the edges', () => {
    expect(downsample(items, 20, 1)).toEqual(items);
    expect(downsample(items, 25, 1)).toEqual(items);
    expect(downsample(items, 0, 1)).toEqual([]);
    expect(downsample([], 3, 1)).toEqual([]);
  });

  it('draws every item about equally often over many seeds', () => {
    const counts = new Map(items.map((item) => [item, 0]));
    const draws = 4000;
    for (let seed = 0; seed < draws; seed++)
      for (const item of downsample(items, 5, seed)) counts.set(item, counts.get(item)! + 1);
    // Each item is kept with probability 5/20: 1000 of 4000 expected, sd ≈ 27.
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });
});
