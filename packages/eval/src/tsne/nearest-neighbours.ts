import { createRandom } from '@treesynth/core';
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
  /** Random-projection trees (default 8). */
  trees?: number;
  /** Neighbour-of-neighbour rounds after the trees (default 2). */
  rounds?: number;
  /** Nearest neighbours whose lists a point scans each round (default 10). */
  expand?: number;
}

/**
 * Exact search: blocked dot products over all pairs, O(rows²·dims), split across the pool.
 * Approximate search (random-projection forest + neighbour-of-neighbour refinement):
 * - `trees` random-projection trees split at the median of the projection on the line through
 *   two random points, down to leaves of k + 1 to 2k + 2 points; every pair in a leaf is offered
 *   to both points' lists;
 * - `rounds` rounds in which each point scans the lists of its `expand` nearest neighbours and of
 *   points that list it among their `expand` nearest (NN-descent's join, read from the last round,
 *   so rows are independent and threads never race).
 * Deterministic for a seed. See the benchmark for the measured recall.
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
    return await approximateNeighbours(pool, points, rows, dims, k, options);
  } finally {
    pool.share('points', undefined);
  }
}

async function exactNeighbours(pool: KernelPool, rows: number, k: number): Promise<NeighbourGraph> {
  const indices = sharedInt32(rows * k);
  const distances = sharedFloat64(rows * k);
  await pool.run('exactKnn', { k, indices, distances, chunk: 32 });
  return { k, indices, distances, method: 'exact' };
}

async function approximateNeighbours(
  pool: KernelPool,
  data: Float64Array,
  rows: number,
  dims: number,
  k: number,
  options: { seed?: number } & ApproximateNeighbourOptions,
): Promise<NeighbourGraph> {
  const trees = options.trees ?? 8;
  const rounds = options.rounds ?? 2;
  const expand = Math.min(k, options.expand ?? 10);
  const random = createRandom(options.seed ?? 0);
  const indices = sharedInt32(rows * k);
  const distances = sharedFloat64(rows * k);
  distances.fill(Number.POSITIVE_INFINITY);
  indices.fill(-1);

  const permutation = sharedInt32(rows);
  for (let tree = 0; tree < trees; tree++) {
    const leafStarts = buildProjectionTree(data, rows, dims, 2 * k + 2, random, permutation);
    await pool.run('leafJoin', {
      k,
      permutation,
      leafStarts,
      leafCount: leafStarts.length - 1,
      indices,
      distances,
      chunk: 4,
    });
  }
  await pool.run('sortRows', { rows, k, indices, distances, chunk: 256 });

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
 * One random-projection tree: fills `permutation` with the rows in leaf order and returns where each
 * leaf starts (plus the end). A node of more than `leafSize` rows is split in half at the median of
 * the rows' projections on the line through two of its rows picked at random.
 */
function buildProjectionTree(
  data: Float64Array,
  rows: number,
  dims: number,
  leafSize: number,
  random: () => number,
  permutation: Int32Array,
): Int32Array {
  for (let row = 0; row < rows; row++) permutation[row] = row;
  const projections = new Float64Array(rows);
  const scratch = new Int32Array(rows);
  const starts: number[] = [];
  const direction = new Float64Array(dims);
  const stack: number[] = [0, rows];
  while (stack.length > 0) {
    const end = stack.pop()!;
    const begin = stack.pop()!;
    const size = end - begin;
    if (size <= leafSize) {
      starts.push(begin);
      continue;
    }
    const a = permutation[begin + Math.floor(random() * size)]!;
    let b = permutation[begin + Math.floor(random() * size)]!;
    for (let attempt = 0; attempt < 4 && b === a; attempt++)
      b = permutation[begin + Math.floor(random() * size)]!;
    for (let dim = 0; dim < dims; dim++) direction[dim] = data[a * dims + dim]! - data[b * dims + dim]!;
    for (let position = begin; position < end; position++) {
      const offset = permutation[position]! * dims;
      let sum = 0;
      for (let dim = 0; dim < dims; dim++) sum += data[offset + dim]! * direction[dim]!;
      projections[position] = sum;
    }
    const half = begin + Math.floor(size / 2);
    const sorted = projections.slice(begin, end).sort();
    const median = sorted[half - begin]!;
    // Below the median to the left, above it to the right, ties filling the left up to half.
    let left = begin;
    let right = 0;
    let ties = 0;
    for (let position = begin; position < end; position++) {
      if (projections[position]! < median) permutation[left++] = permutation[position]!;
      else if (projections[position]! > median) scratch[right++] = permutation[position]!;
      else scratch[rows - 1 - ties++] = permutation[position]!;
    }
    for (let tie = 0; tie < ties; tie++) {
      const row = scratch[rows - 1 - tie]!;
      if (left < half) permutation[left++] = row;
      else scratch[right++] = row;
    }
    for (let index = 0; index < right; index++) permutation[left + index] = scratch[index]!;
    // Right half first on the stack so leaves come out left to right.
    stack.push(left, end, begin, left);
  }
  starts.sort((x, y) => x - y);
  const leafStarts = sharedInt32(starts.length + 1);
  for (let index = 0; index < starts.length; index++) leafStarts[index] = starts[index]!;
  leafStarts[starts.length] = rows;
  return leafStarts;
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
