import { ConfigError } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import { embeddingMatrixFromRows } from './embedding-matrix.js';
import { leafPairwiseCosine, meanPairwiseCosine } from './mean-pairwise-cosine.js';
import { basisClusters, bruteForcePairs, randomUnitRows } from './test-helpers.fixture.js';

describe('meanPairwiseCosine', () => {
  it('is 0 for orthogonal vectors and 1 for identical ones', () => {
    expect(meanPairwiseCosine(basisClusters(5, 1, 8))).toBeCloseTo(0, 15);
    expect(meanPairwiseCosine(basisClusters(1, 6, 8))).toBeCloseTo(1, 15);
  });

  it('is −1 for a vector and its opposite', () => {
    expect(
      meanPairwiseCosine(
        embeddingMatrixFromRows([
          [0.6, 0.8],
          [-0.6, -0.8],
        ]),
      ),
    ).toBeCloseTo(-1, 7);
  });

  it('matches brute force over all pairs on random data to 1e-9', () => {
    for (const [rows, offset] of [
      [300, 0],
      [257, 0.2],
    ] as const) {
      const embeddings = randomUnitRows(rows, 48, `cosine-${rows}`, offset);
      const { sum, pairs } = bruteForcePairs(embeddings);
      expect(Math.abs(meanPairwiseCosine(embeddings) - sum / pairs)).toBeLessThan(1e-9);
    }
  });

  it('is NaN below two rows', () => {
    expect(meanPairwiseCosine(basisClusters(1, 1, 3))).toBeNaN();
  });
});

describe('leafPairwiseCosine', () => {
  it('matches brute force within and across leaves', () => {
    const embeddings = randomUnitRows(200, 16, 'leaves', 0.3);
    const leafIds = Array.from({ length: 200 }, (_, i) => `leaf-${(i * 7) % 9 === 0 ? 0 : i % 5}`);
    const result = leafPairwiseCosine(embeddings, leafIds);
    const within = bruteForcePairs(embeddings, (i, j) => leafIds[i] === leafIds[j]);
    const across = bruteForcePairs(embeddings, (i, j) => leafIds[i] !== leafIds[j]);
    expect(result.withinPairs).toBe(within.pairs);
    expect(result.acrossPairs).toBe(across.pairs);
    expect(Math.abs(result.withinLeaf - within.sum / within.pairs)).toBeLessThan(1e-9);
    expect(Math.abs(result.acrossLeaves - across.sum / across.pairs)).toBeLessThan(1e-9);
    for (const entry of result.perLeaf) {
      const leaf = bruteForcePairs(
        embeddings,
        (i, j) => leafIds[i] === entry.leafId && leafIds[j] === entry.leafId,
      );
      expect(Math.abs(entry.meanCosine - leaf.sum / leaf.pairs)).toBeLessThan(1e-9);
    }
    const macro = result.perLeaf.reduce((sum, entry) => sum + entry.meanCosine, 0) / result.perLeaf.length;
    expect(result.withinLeafMacro).toBeCloseTo(macro, 12);
  });

  it('separates leaves of identical vectors that are orthogonal to each other', () => {
    const result = leafPairwiseCosine(basisClusters(3, 4, 5), [
      'a',
      'a',
      'a',
      'a',
      'b',
      'b',
      'b',
      'b',
      'c',
      'c',
      'c',
      'c',
    ]);
    expect(result.withinLeaf).toBeCloseTo(1, 12);
    expect(result.acrossLeaves).toBeCloseTo(0, 12);
    expect(result.perLeaf.map((entry) => [entry.leafId, entry.samples])).toEqual([
      ['a', 4],
      ['b', 4],
      ['c', 4],
    ]);
  });

  it('gives NaN for a leaf with one sample and rejects a length mismatch', () => {
    const result = leafPairwiseCosine(basisClusters(2, 1, 2), ['a', 'b']);
    expect(result.withinLeaf).toBeNaN();
    expect(result.perLeaf[0]?.meanCosine).toBeNaN();
    expect(result.acrossLeaves).toBeCloseTo(0, 12);
    expect(() => leafPairwiseCosine(basisClusters(2, 1, 2), ['a'])).toThrow(ConfigError);
  });
});
