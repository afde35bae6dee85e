import { describe, expect, it } from 'vitest';
import { GramWorker } from './_vendi-worker.js';
import { selectRows } from './embedding-matrix.js';
import { symmetricEigenvalues } from './symmetric-eigen.js';
import { basisClusters, randomUnitRows } from './test-helpers.fixture.js';
import { StreamingVendi, vendiFromEigenvalues, vendiScore } from './vendi-score.js';

describe('vendiScore', () => {
  it('is k for k equal-sized clusters of identical, mutually orthogonal vectors', () => {
    // 4 clusters in 16 dims: n = 40 > d uses the dual, n = 8 < d the n × n kernel.
    expect(vendiScore(basisClusters(4, 10, 16))).toBeCloseTo(4, 10);
    expect(vendiScore(basisClusters(4, 2, 16))).toBeCloseTo(4, 10);
    expect(vendiScore(basisClusters(7, 30, 7))).toBeCloseTo(7, 10);
  });

  it('is 1 for identical samples and n for orthogonal ones', () => {
    expect(vendiScore(basisClusters(1, 50, 8))).toBeCloseTo(1, 10);
    expect(vendiScore(basisClusters(6, 1, 6))).toBeCloseTo(6, 10);
  });

  it('gives the score of the n × n kernel through the d × d dual, and the other way round', () => {
    for (const rows of [90, 40]) {
      const embeddings = randomUnitRows(rows, 64, `vendi-${rows}`, 0.1);
      const { data, dims } = embeddings;
      // Whichever side vendiScore does not use, built here by brute force.
      const size = Math.max(rows, dims);
      const other = new Float64Array(size * size);
      for (let i = 0; i < size; i++) {
        for (let j = 0; j < size; j++) {
          let sum = 0;
          if (rows > dims) for (let k = 0; k < dims; k++) sum += data[i * dims + k]! * data[j * dims + k]!;
          else for (let r = 0; r < rows; r++) sum += data[r * dims + i]! * data[r * dims + j]!;
          other[i * size + j] = sum / rows;
        }
      }
      const expected = vendiFromEigenvalues(symmetricEigenvalues(other, size));
      expect(expected).toBeGreaterThan(1);
      expect(Math.abs(vendiScore(embeddings) - expected) / expected).toBeLessThan(1e-10);
    }
  });

  it('weighs unequal clusters below their count, and orders q ≥ 1 give smaller scores', () => {
    const unequal = selectRows(basisClusters(2, 10, 4), [...Array.from({ length: 10 }, (_, i) => i), 10]);
    const p = [10 / 11, 1 / 11];
    expect(vendiScore(unequal)).toBeCloseTo(Math.exp(-p[0]! * Math.log(p[0]!) - p[1]! * Math.log(p[1]!)), 10);
    expect(vendiScore(unequal, { order: 2 })).toBeCloseTo(1 / (p[0]! ** 2 + p[1]! ** 2), 10);
    expect(vendiScore(unequal, { order: Number.POSITIVE_INFINITY })).toBeCloseTo(11 / 10, 10);
    expect(vendiFromEigenvalues([0.5, 0.5, -1e-17])).toBeCloseTo(2, 12);
  });
});

describe('StreamingVendi', () => {
  it('gives the score of the matrix held whole, fed in uneven chunks across its blocks', () => {
    // 37 dims (not a multiple of 4), blocks of 24 rows, chunks that end inside and across blocks.
    const matrix = randomUnitRows(300, 37, 'streaming-vendi', 0.3);
    for (const order of [1, 2]) {
      const streaming = new StreamingVendi(37, 24);
      let start = 0;
      for (const count of [1, 5, 30, 7, 100, 157]) {
        streaming.add(matrix.data.subarray(start * 37, (start + count) * 37), count);
        start += count;
      }
      expect(start).toBe(300);
      expect(Math.abs(streaming.score(order) / vendiScore(matrix, { order }) - 1)).toBeLessThan(1e-6);
    }
    expect(new StreamingVendi(8).score()).toBeNaN();
  });
});

describe('GramWorker', () => {
  it('sums and decomposes on a worker thread what StreamingVendi does in the calling thread, bit for bit', async () => {
    for (const [rows, dims, blockRows] of [
      [300, 37, 24],
      [700, 260, 1024],
    ] as const) {
      const matrix = randomUnitRows(rows, dims, `gram-worker-${dims}`, 0.2);
      const worker = GramWorker.start(dims, blockRows);
      expect(worker).not.toBeNull(); // Node has WebAssembly SIMD and worker threads
      const inThread = new StreamingVendi(dims, blockRows);
      let start = 0;
      for (const count of [1, 99, 64, rows - 164]) {
        const chunk = matrix.data.subarray(start * dims, (start + count) * dims);
        inThread.add(chunk, count);
        await worker!.add(chunk, count, dims);
        start += count;
      }
      const eigenvalues = await worker!.eigenvalues();
      for (const order of [1, 2])
        expect(vendiFromEigenvalues(eigenvalues, order)).toBe(inThread.score(order));
      expect(Math.abs(vendiFromEigenvalues(eigenvalues) / vendiScore(matrix) - 1)).toBeLessThan(1e-6);
    }
  });
});
