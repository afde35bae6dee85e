import { describe, expect, it } from 'vitest';
import { gini, normalizedEntropy, quantileSorted, summarizeCounts } from './distribution-stats.js';

describe('distribution statistics', () => {
  it('gives entropy 1 for a uniform distribution and 0 for a point mass', () => {
    expect(normalizedEntropy([5, 5, 5, 5])).toBeCloseTo(1, 15);
    expect(normalizedEntropy([7, 0, 0])).toBe(0);
    expect(normalizedEntropy([1, 1], 4)).toBeCloseTo(0.5, 15);
    expect(normalizedEntropy([3])).toBeNaN();
    expect(normalizedEntropy([0, 0])).toBeNaN();
  });

  it('computes the Gini coefficient', () => {
    expect(gini([4, 4, 4])).toBe(0);
    expect(gini([0, 0, 0, 1])).toBeCloseTo(0.75, 15);
    expect(gini([1, 2, 3, 4])).toBeCloseTo(0.25, 15);
    expect(gini([0, 0])).toBe(0);
  });

  it('interpolates quantiles like NumPy', () => {
    const sorted = [1, 2, 3, 4, 10];
    expect(quantileSorted(sorted, 0.1)).toBeCloseTo(1.4, 12);
    expect(quantileSorted(sorted, 0.5)).toBe(3);
    expect(quantileSorted(sorted, 0.9)).toBeCloseTo(7.6, 12);
    expect(summarizeCounts([10, 1, 4, 3, 2])).toMatchObject({ min: 1, median: 3, max: 10, mean: 4 });
  });
});
