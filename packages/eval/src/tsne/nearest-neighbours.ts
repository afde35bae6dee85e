import { createRandom } from '@treesynth/core/internal';
import { kMeans } from '../metrics/k-means.js';
import { heapOffer } from './kernels.js';
import { sharedFloat64, sharedInt32 } from './shared-arrays.js';
import type { KernelPool } from './worker-pool.js';

/** k nearest neighbours of every row: rows×k indices and squared distances, each row ascending. */
export interface NeighbourGraph {
  k: number;
  indices: Int32Array;
  distances: Float64Array;
  /** Whether the lists are exact or from the approximate search. */
  method: 'exact' | 'approximate';
}

export type NeighbourMethod = 'auto' | 'exact' | 'approximate';

/** Up to this many rows, `auto` searches exactly. */
export const EXACT_NEIGHBOURS_MAX_ROWS = 20_000;

export interface ApproximateNeighbourOptions {
  /** k-means cells the points are split into (default rows / 400). */
  cells?: number;
  /** Nearest cells each point searches (default 16). */
  probes?: number;
  /** Neighbour-of-neighbour rounds after the cell search (default 1). */
  rounds?: number;
  /** Nearest neighbours whose lists a point scans in a round (default 10). */
  expand?: number;
}

/**
 * Exact search: blocked dot products over all pairs, O(rows²·dims), split across the pool.
 *
 * Approximate search, an inverted-file index refined by a neighbour-of-neighbour round:
 * 1. k-means (`kMeans`: at most 10 Lloyd iterations on up to 20,000 sampled rows, seeded) splits the points into
 *    `cells` cells; every point goes to its nearest centroid;
 * 2. every point searches exactly the points of its `probes` nearest cells (blocked dot products,
 *    as the exact search), keeping the k nearest;
 * 3. `rounds` rounds in which each point also scans the lists of its `expand` nearest neighbours
 *    and of the points that list it among theirs (NN-descent's join, read from the last round so
 *    rows never race).
 * With the defaults a point computes distances to about 16 × 400 points plus the round's ~1,000
 * candidates. Recall depends on the data; see benchmarks/eval/tsne.ts for the measured value.
 * Deterministic for a seed.
 */
export async function nearestNeighbours(
  pool: KernelPool,
  data: Float64Array,
  rows: number,
  dims: number,
  k: number,
  options: { method?: NeighbourMethod; seed?: number } & ApproximateNeighbourOptions = {},
): Promise<NeighbourGraph> {
  if (!(k >= 1 && k < rows)) throw new RangeError(`nearestNeighbours: k must be in [1, rows − 1], got ${k}`);
  const method = options.method ?? 'auto';
  const exact = method === 'exact' || (method === 'auto' && rows <= EXACT_NEIGHBOURS_MAX_ROWS);
  const points = Float64Array.from(data);
  const norms = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    let sum = 0;
    for (let dim = row * dims; dim < (row + 1) * dims; dim++) sum += points[dim]! * points[dim]!;
    norms[row] = sum;
  }
  pool.share('points', { data: points, norms, rows, dims });
  try {
    if (exact) return await exactNeighbours(pool, rows, k);
    return await approximateNeighbours(pool, points, norms, rows, dims, k, options);
  } finally {
    pool.share('points', undefined);
  }
}

async function exactNeighbours(pool: KernelPool, rows: number, k: number): Promise<NeighbourGraph> {
  const indices = sharedInt32(rows * k);
  const distances = sharedFloat64(rows * k);
  await pool.run('exactKnn', { k, indices, distances, chunk: 48 });
  return { k, indices, distances, method: 'exact' };
}

async function approximateNeighbours(
  pool: KernelPool,
  data: Float64Array,
  norms: Float64Array,
  rows: number,
  dims: number,
  k: number,
  options: { seed?: number } & ApproximateNeighbourOptions,
): Promise<NeighbourGraph> {
  const cells = Math.max(1, Math.min(rows, Math.round(options.cells ?? rows / 400)));
  const probes = Math.max(1, Math.min(cells, options.probes ?? 16));
  const rounds = options.rounds ?? 1;
  const expand = Math.min(k, options.expand ?? 10);
  const random = createRandom(options.seed ?? 0);
  const { centroids, centroidNorms } = trainCentroids(data, rows, dims, cells, random);
  const nearest = sharedInt32(rows * probes);
  await pool.run('nearestCentroids', { centroids, centroidNorms, cells, probes, nearest, chunk: 256 });

  /** Rows grouped by their `probe`-th nearest cell (CSR over cells). */
  const byCell = (probe: number) => {
    const starts = new Int32Array(cells + 1);
    for (let row = 0; row < rows; row++) starts[nearest[row * probes + probe]! + 1]!++;
    for (let cell = 0; cell < cells; cell++) starts[cell + 1] = starts[cell + 1]! + starts[cell]!;
    const fill = starts.slice(0, cells);
    const list = new Int32Array(rows);
    for (let row = 0; row < rows; row++) list[fill[nearest[row * probes + probe]!]!++] = row;
    return { starts, list };
  };
  const { starts: memberStarts, list: members } = byCell(0);
  let largestCell = 0;
  for (let cell = 0; cell < cells; cell++)
    largestCell = Math.max(largestCell, memberStarts[cell + 1]! - memberStarts[cell]!);
  const indices = sharedInt32(rows * k);
  const distances = sharedFloat64(rows * k);
  distances.fill(Number.POSITIVE_INFINITY);
  indices.fill(-1);
  for (let probe = 0; probe < probes; probe++) {
    const { starts: queryStarts, list: queries } = byCell(probe);
    await pool.run('cellJoin', {
      k,
      cells,
      queryStarts,
      queries,
      memberStarts,
      members,
      largestCell,
      indices,
      distances,
      chunk: 1,
    });
  }
  completeRows(data, norms, rows, dims, k, indices, distances);
  await pool.run('sortRows', { rows, k, indices, distances, recompute: 1, chunk: 256 });

  let current = { indices, distances };
  let next = { indices: sharedInt32(rows * k), distances: sharedFloat64(rows * k) };
  for (let round = 0; round < rounds; round++) {
    const { reverseStarts, reverseIndices } = reverseNeighbours(current.indices, rows, k, expand);
    await pool.run('refineKnn', {
      k,
      expand,
      inIndices: current.indices,
      inDistances: current.distances,
      outIndices: next.indices,
      outDistances: next.distances,
      reverseStarts,
      reverseIndices,
      chunk: 64,
    });
    [current, next] = [next, current];
  }
  return { k, indices: current.indices, distances: current.distances, method: 'approximate' };
}

/**
 * Cell centroids: `kMeans` (k-means++ seeding, at most 10 Lloyd iterations) on up to 20,000 rows
 * drawn with `random`, in Float32 (the cells only route the search; its distances are Float64).
 */
function trainCentroids(
  data: Float64Array,
  rows: number,
  dims: number,
  cells: number,
  random: () => number,
): { centroids: Float64Array; centroidNorms: Float64Array } {
  const shuffled = Int32Array.from({ length: rows }, (_, index) => index);
  for (let index = rows - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    const value = shuffled[index]!;
    shuffled[index] = shuffled[other]!;
    shuffled[other] = value;
  }
  const sampled = Math.min(rows, Math.max(20_000, cells));
  const subset = new Float32Array(sampled * dims);
  for (let item = 0; item < sampled; item++)
    subset.set(data.subarray(shuffled[item]! * dims, (shuffled[item]! + 1) * dims), item * dims);
  const seed = Math.floor(random() * 2 ** 32);
  const result = kMeans({ data: subset, rows: sampled, dims }, { k: cells, seed, maxIterations: 10 });
  const centroids = new Float64Array(result.k * dims);
  centroids.set(result.centroids);
  const centroidNorms = new Float64Array(result.k);
  for (let cell = 0; cell < result.k; cell++) {
    let sum = 0;
    for (let dim = cell * dims; dim < (cell + 1) * dims; dim++) sum += centroids[dim]! ** 2;
    centroidNorms[cell] = sum;
  }
  return { centroids, centroidNorms };
}

/** Fills by brute force any row that found fewer than k candidates (only with tiny or lopsided cells). */
function completeRows(
  data: Float64Array,
  norms: Float64Array,
  rows: number,
  dims: number,
  k: number,
  indices: Int32Array,
  distances: Float64Array,
): void {
  for (let row = 0; row < rows; row++) {
    if (indices[row * k] !== -1) continue;
    distances.fill(Number.POSITIVE_INFINITY, row * k, (row + 1) * k);
    for (let other = 0; other < rows; other++) {
      if (other === row) continue;
      let dot = 0;
      for (let dim = 0; dim < dims; dim++) dot += data[row * dims + dim]! * data[other * dims + dim]!;
      heapOffer(distances, indices, row * k, k, norms[row]! + norms[other]! - 2 * dot, other);
    }
  }
}

/** For each row, the rows that have it among their `top` nearest (CSR, ascending row order). */
function reverseNeighbours(
  indices: Int32Array,
  rows: number,
  k: number,
  top: number,
): { reverseStarts: Int32Array; reverseIndices: Int32Array } {
  const counts = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row++)
    for (let slot = 0; slot < top; slot++) counts[indices[row * k + slot]! + 1]!++;
  const reverseStarts = sharedInt32(rows + 1);
  for (let row = 0; row < rows; row++) reverseStarts[row + 1] = reverseStarts[row]! + counts[row + 1]!;
  const fill = Int32Array.from(reverseStarts.subarray(0, rows));
  const reverseIndices = sharedInt32(reverseStarts[rows]!);
  for (let row = 0; row < rows; row++) {
    for (let slot = 0; slot < top; slot++) {
      const neighbour = indices[row * k + slot]!;
      reverseIndices[fill[neighbour]!++] = row;
    }
  }
  return { reverseStarts, reverseIndices };
}
