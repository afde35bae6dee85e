import { createRandom } from '@treesynth/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { nearestNeighbours } from './nearest-neighbours.js';
import { sharedFloat64 } from './shared-arrays.js';
import { createKernelPool } from './worker-pool.js';

/** Points in clusters of different spread, dims 24. */
function clusteredPoints(rows: number, dims: number, seed: number): Float64Array {
  const random = createRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: 20 }, () => Array.from({ length: dims }, () => 2 * gaussian()));
  const points = sharedFloat64(rows * dims);
  for (let row = 0; row < rows; row++)
    for (let dim = 0; dim < dims; dim++)
      points[row * dims + dim] = centres[row % 20]![dim]! + (1 + (row % 3)) * 0.5 * gaussian();
  return points;
}

function bruteForce(points: Float64Array, rows: number, dims: number, k: number): number[][] {
  return Array.from({ length: rows }, (_, row) => {
    const candidates: { other: number; distance: number }[] = [];
    for (let other = 0; other < rows; other++) {
      if (other === row) continue;
      let distance = 0;
      for (let dim = 0; dim < dims; dim++)
        distance += (points[row * dims + dim]! - points[other * dims + dim]!) ** 2;
      candidates.push({ other, distance });
    }
    candidates.sort((a, b) => a.distance - b.distance || a.other - b.other);
    return candidates.slice(0, k).map(({ other }) => other);
  });
}

describe('nearestNeighbours', () => {
  const pool = createKernelPool(2);
  afterAll(() => pool.close());
  const rows = 1501;
  const dims = 24;
  const points = clusteredPoints(rows, dims, 5);
  const k = 15;
  const truth = bruteForce(points, rows, dims, k);

  it('finds the exact neighbours, sorted, with exact squared distances', async () => {
    const graph = await nearestNeighbours(pool, points, rows, dims, k, { method: 'exact' });
    expect(graph.method).toBe('exact');
    expect(Array.from(graph.indices)).toEqual(truth.flat());
    let worst = 0;
    for (let row = 0; row < rows; row++) {
      for (let slot = 0; slot < k; slot++) {
        let distance = 0;
        const other = graph.indices[row * k + slot]!;
        for (let dim = 0; dim < dims; dim++)
          distance += (points[row * dims + dim]! - points[other * dims + dim]!) ** 2;
        worst = Math.max(worst, Math.abs(graph.distances[row * k + slot]! - distance));
      }
    }
    expect(worst).toBeLessThan(1e-12);
  });

  it('finds nearly all neighbours approximately, reproducibly for a seed', async () => {
    // 1,501 points would fit in 4 cells, all searched: ask for more cells than are searched, and
    // three times as many as the 20 clusters (k-means++ finds those), so that one cell misses some.
    const options = { method: 'approximate', seed: 3, cells: 60, probes: 6 } as const;
    const graph = await nearestNeighbours(pool, points, rows, dims, k, options);
    expect(graph.method).toBe('approximate');
    const recall = (found: Int32Array) => {
      let hits = 0;
      for (let row = 0; row < rows; row++) {
        const set = new Set(found.subarray(row * k, (row + 1) * k));
        for (const other of truth[row]!) if (set.has(other)) hits++;
      }
      return hits / (rows * k);
    };
    for (let row = 0; row < rows; row++) {
      const found = new Set(graph.indices.subarray(row * k, (row + 1) * k));
      expect(found.size).toBe(k);
      expect(found.has(row)).toBe(false);
      for (let slot = 1; slot < k; slot++)
        expect(graph.distances[row * k + slot]!).toBeGreaterThanOrEqual(graph.distances[row * k + slot - 1]!);
    }
    const fullRecall = recall(graph.indices);
    expect(fullRecall).toBeGreaterThan(0.97);
    const again = await nearestNeighbours(pool, points, rows, dims, k, options);
    expect(Array.from(again.indices)).toEqual(Array.from(graph.indices));
    // One cell and no refinement round find fewer; every cell finds all.
    const oneCell = await nearestNeighbours(pool, points, rows, dims, k, {
      ...options,
      probes: 1,
      rounds: 0,
    });
    expect(recall(oneCell.indices)).toBeLessThan(fullRecall - 0.05);
    const allCells = await nearestNeighbours(pool, points, rows, dims, k, {
      ...options,
      probes: 60,
      rounds: 0,
    });
    expect(recall(allCells.indices)).toBe(1);
  });
});
