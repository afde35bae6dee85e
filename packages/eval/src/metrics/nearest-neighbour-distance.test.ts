import { seededSample } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import type { EmbeddingMatrix } from './embedding-matrix.js';
import { nearestNeighbourDistance } from './nearest-neighbour-distance.js';
import { basisClusters, randomUnitRows } from './test-helpers.fixture.js';

function bruteForceNearest(embeddings: EmbeddingMatrix, queries: readonly number[]): number[] {
  const { data, rows, dims } = embeddings;
  return queries.map((i) => {
    let best = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < rows; j++) {
      if (j === i) continue;
      let dot = 0;
      for (let k = 0; k < dims; k++) dot += data[i * dims + k]! * data[j * dims + k]!;
      best = Math.max(best, dot);
    }
    return 1 - best;
  });
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('nearestNeighbourDistance', () => {
  it('matches brute force with every point a query, across tile edges', () => {
    const embeddings = randomUnitRows(531, 21, 'nn', 0.05);
    const all = Array.from({ length: 531 }, (_, i) => i);
    const distances = bruteForceNearest(embeddings, all);
    const sorted = [...distances].sort((a, b) => a - b);
    // float32 sums on the SIMD kernel, Float64 on the scalar one.
    for (const [float64, tolerance] of [
      [false, 1e-6],
      [true, 1e-12],
    ] as const) {
      const result = nearestNeighbourDistance(embeddings, { float64 });
      expect(result.sampled).toBe(false);
      expect(result.queries).toBe(531);
      expect(Math.abs(result.mean - mean(distances))).toBeLessThan(tolerance);
      expect(Math.abs(result.median - sorted[265]!)).toBeLessThan(tolerance);
    }
  });

  it('takes each sampled query against all points', () => {
    const embeddings = randomUnitRows(600, 10, 'nn-sampled');
    const expected = mean(bruteForceNearest(embeddings, seededSample(600, 70, 9)));
    for (const [float64, tolerance] of [
      [false, 1e-6],
      [true, 1e-12],
    ] as const) {
      const result = nearestNeighbourDistance(embeddings, { sampleQueries: 70, seed: 9, float64 });
      expect(result).toMatchObject({ sampled: true, queries: 70 });
      expect(Math.abs(result.mean - expected)).toBeLessThan(tolerance);
    }
  });

  it('is 1 for orthogonal points and 0 when every point has a duplicate', () => {
    expect(nearestNeighbourDistance(basisClusters(9, 1, 9)).mean).toBeCloseTo(1, 7);
    const duplicated = nearestNeighbourDistance(basisClusters(5, 2, 8));
    expect(duplicated.mean).toBeCloseTo(0, 7);
    expect(duplicated.duplicateFraction).toBe(1);
    expect(nearestNeighbourDistance(basisClusters(1, 1, 3)).mean).toBeNaN();
  });
});
