import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { clusterEntropy, defaultClusterCount } from './cluster-entropy.js';
import { type EmbeddingMatrix, normalizeRows } from './embedding-matrix.js';
import { kMeans } from './k-means.js';

/** Points scattered tightly around the first `sizes.length` basis vectors, `sizes[c]` around each. */
function blobs(sizes: number[], dims: number, seed: string): EmbeddingMatrix {
  const random = createRandom(seed);
  const rows = sizes.reduce((sum, size) => sum + size, 0);
  const data = new Float32Array(rows * dims);
  let row = 0;
  sizes.forEach((size, cluster) => {
    for (let i = 0; i < size; i++, row++) {
      for (let k = 0; k < dims; k++) data[row * dims + k] = (random() - 0.5) * 0.05;
      data[row * dims + cluster] = data[row * dims + cluster]! + 1;
    }
  });
  return normalizeRows({ data, rows, dims });
}

describe('kMeans', () => {
  it('recovers well-separated clusters', () => {
    const embeddings = blobs([40, 40, 40, 40], 12, 'blobs');
    // On the SIMD kernel and on the scalar Float64 one.
    for (const float64 of [false, true]) {
      const result = kMeans(embeddings, { k: 4, seed: 1, float64 });
      expect(result.converged).toBe(true);
      expect([...result.sizes].sort()).toEqual([40, 40, 40, 40]);
      for (let cluster = 0; cluster < 4; cluster++) {
        const labels = new Set(result.assignments.slice(cluster * 40, (cluster + 1) * 40));
        expect(labels.size).toBe(1);
      }
    }
  });

  it('is reproducible for a seed', () => {
    const embeddings = blobs([30, 50, 20, 10, 60], 16, 'reproducible');
    const first = kMeans(embeddings, { k: 7, seed: 'a' });
    expect(kMeans(embeddings, { k: 7, seed: 'a' }).assignments).toEqual(first.assignments);
  });
});

describe('clusterEntropy', () => {
  it('is 1 for equal clusters and lower for unequal ones', () => {
    expect(clusterEntropy(blobs([25, 25, 25, 25], 8, 'equal'), { k: 4 }).entropy).toBeCloseTo(1, 12);
    const unequal = clusterEntropy(blobs([85, 5, 5, 5], 8, 'unequal'), { k: 4 });
    expect(unequal.sizes).toEqual([85, 5, 5, 5]);
    const p = [0.85, 0.05, 0.05, 0.05];
    expect(unequal.entropy).toBeCloseTo(-p.reduce((sum, q) => sum + q * Math.log(q), 0) / Math.log(4), 12);
  });

  it('defaults k to √(n/2) within [2, 100]', () => {
    expect(defaultClusterCount(200)).toBe(10);
    expect(defaultClusterCount(1_000_000)).toBe(100);
    expect(defaultClusterCount(3)).toBe(2);
    expect(defaultClusterCount(1)).toBe(1);
    expect(clusterEntropy(blobs([1], 4, 'one')).entropy).toBeNaN();
  });
});
