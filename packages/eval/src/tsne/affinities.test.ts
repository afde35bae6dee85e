import { createRandom } from '@treesynth/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { calibrateAffinities, ENTROPY_TOLERANCE, symmetrizeAffinities } from './affinities.js';
import { nearestNeighbours } from './nearest-neighbours.js';
import { sharedFloat64 } from './shared-arrays.js';
import { createKernelPool } from './worker-pool.js';

function randomPoints(rows: number, dims: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const points = sharedFloat64(rows * dims);
  // Uneven density: a dense blob, a sparse cloud and a line, so bandwidths differ a lot.
  for (let row = 0; row < rows; row++) {
    const scale = row % 3 === 0 ? 0.05 : row % 3 === 1 ? 5 : 1;
    for (let dim = 0; dim < dims; dim++)
      points[row * dims + dim] = row % 3 === 2 && dim > 0 ? row * 0.01 : scale * (random() - 0.5);
  }
  return points;
}

describe('affinities', () => {
  const pool = createKernelPool(2);
  afterAll(() => pool.close());
  const rows = 400;
  const dims = 6;
  const points = randomPoints(rows, dims, 7);

  it('calibrates every row to entropy ln(perplexity)', async () => {
    const graph = await nearestNeighbours(pool, points, rows, dims, 90);
    for (const perplexity of [5, 30]) {
      const { conditional, betas } = await calibrateAffinities(pool, graph, rows, perplexity);
      for (let row = 0; row < rows; row++) {
        let sum = 0;
        let entropy = 0;
        for (let slot = row * 90; slot < (row + 1) * 90; slot++) {
          const p = conditional[slot]!;
          sum += p;
          if (p > 0) entropy -= p * Math.log(p);
        }
        expect(sum).toBeCloseTo(1, 12);
        expect(Math.abs(entropy - Math.log(perplexity))).toBeLessThan(2 * ENTROPY_TOLERANCE);
        expect(betas[row]).toBeGreaterThan(0);
      }
    }
  });

  it('symmetrises P over the union of neighbour lists, summing to 1', async () => {
    const k = 12;
    const graph = await nearestNeighbours(pool, points, rows, dims, k);
    const { conditional } = await calibrateAffinities(pool, graph, rows, 4);
    const { rowStarts, columns, values, sumPLogP } = symmetrizeAffinities(graph, conditional, rows);
    const dense = new Map<number, number>();
    let total = 0;
    let plogp = 0;
    for (let row = 0; row < rows; row++) {
      const seen = new Set<number>();
      for (let entry = rowStarts[row]!; entry < rowStarts[row + 1]!; entry++) {
        expect(seen.has(columns[entry]!)).toBe(false);
        seen.add(columns[entry]!);
        dense.set(row * rows + columns[entry]!, values[entry]!);
        total += values[entry]!;
        plogp += values[entry]! * Math.log(values[entry]!);
      }
    }
    expect(total).toBeCloseTo(1, 12);
    expect(sumPLogP).toBeCloseTo(plogp, 12);
    for (let row = 0; row < rows; row++) {
      for (let slot = 0; slot < k; slot++) {
        const other = graph.indices[row * k + slot]!;
        expect(dense.get(other * rows + row)).toBe(dense.get(row * rows + other));
        // p(j|i) / 2n is at most pij.
        expect(dense.get(row * rows + other)!).toBeGreaterThanOrEqual(
          conditional[row * k + slot]! / (2 * rows) - 1e-18,
        );
      }
    }
  });
});
