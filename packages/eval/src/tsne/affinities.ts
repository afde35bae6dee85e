import type { NeighbourGraph } from './nearest-neighbours.js';
import { sharedFloat64 } from './shared-arrays.js';
import type { KernelPool } from './worker-pool.js';

/** The symmetric joint probabilities P of t-SNE, sparse (CSR, private arrays), summing to 1. */
export interface Affinities {
  rowStarts: Int32Array;
  columns: Int32Array;
  values: Float64Array;
  /** Σ pij ln pij over the stored entries (the constant part of KL(P‖Q)). */
  sumPLogP: number;
}

export interface ConditionalAffinities {
  /** p(j|i) over each row's k neighbours, rows×k, each row summing to 1. */
  conditional: Float64Array;
  /** The Gaussian precision β = 1 / (2σ²) found for each row. */
  betas: Float64Array;
}

/** Bisection stops when the row's entropy is within this many nats of ln(perplexity). */
export const ENTROPY_TOLERANCE = 1e-5;

/** Conditional affinities whose per-row entropy is ln(perplexity), by bisection on β per row. */
export async function calibrateAffinities(
  pool: KernelPool,
  graph: NeighbourGraph,
  rows: number,
  perplexity: number,
): Promise<ConditionalAffinities> {
  const conditional = sharedFloat64(rows * graph.k);
  const betas = sharedFloat64(rows);
  await pool.run('calibrate', {
    rows,
    k: graph.k,
    distances: graph.distances,
    targetEntropy: Math.log(perplexity),
    tolerance: ENTROPY_TOLERANCE,
    maxSteps: 200,
    conditional,
    betas,
    chunk: 256,
  });
  return { conditional, betas };
}

/**
 * pij = (p(j|i) + p(i|j)) / 2n over the union of both neighbour lists, as CSR. A row's columns
 * come in order of first appearance: its own neighbours, then the rows that list it.
 */
export function symmetrizeAffinities(
  graph: NeighbourGraph,
  conditional: Float64Array,
  rows: number,
): Affinities {
  const { k, indices } = graph;
  const inbound = new Int32Array(rows);
  for (let entry = 0; entry < rows * k; entry++) inbound[indices[entry]!]!++;
  // Upper bound of each row's length; duplicates are merged below, so rows are compacted after.
  const bound = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row++) bound[row + 1] = bound[row]! + k + inbound[row]!;
  const boundColumns = new Int32Array(bound[rows]!);
  const boundValues = new Float64Array(bound[rows]!);
  const lengths = new Int32Array(rows);
  // Slot of column j in the row being merged, valid when owner[j] is that row.
  const owner = new Int32Array(rows).fill(-1);
  const slotOf = new Int32Array(rows);
  // Pass 1: each row's own neighbours (distinct already).
  for (let row = 0; row < rows; row++) {
    const base = bound[row]!;
    for (let slot = 0; slot < k; slot++) {
      boundColumns[base + slot] = indices[row * k + slot]!;
      boundValues[base + slot] = conditional[row * k + slot]!;
    }
    lengths[row] = k;
  }
  // Pass 2: p(i|j) from each row j that lists i, merged into row i. Rows are visited in order, so
  // the result does not depend on anything but the graph.
  const inboundLists = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row++) inboundLists[row + 1] = inboundLists[row]! + inbound[row]!;
  const fill = Int32Array.from(inboundLists.subarray(0, rows));
  const sources = new Int32Array(rows * k);
  const sourceValues = new Float64Array(rows * k);
  for (let row = 0; row < rows; row++) {
    for (let slot = 0; slot < k; slot++) {
      const target = indices[row * k + slot]!;
      const position = fill[target]!++;
      sources[position] = row;
      sourceValues[position] = conditional[row * k + slot]!;
    }
  }
  for (let row = 0; row < rows; row++) {
    const base = bound[row]!;
    for (let slot = 0; slot < k; slot++) {
      const column = boundColumns[base + slot]!;
      owner[column] = row;
      slotOf[column] = base + slot;
    }
    let length = k;
    for (let position = inboundLists[row]!; position < inboundLists[row + 1]!; position++) {
      const column = sources[position]!;
      const value = sourceValues[position]!;
      if (owner[column] === row) {
        const slot = slotOf[column]!;
        boundValues[slot] = boundValues[slot]! + value;
      } else {
        owner[column] = row;
        slotOf[column] = base + length;
        boundColumns[base + length] = column;
        boundValues[base + length] = value;
        length++;
      }
    }
    lengths[row] = length;
  }
  const rowStarts = new Int32Array(rows + 1);
  for (let row = 0; row < rows; row++) rowStarts[row + 1] = rowStarts[row]! + lengths[row]!;
  const columns = new Int32Array(rowStarts[rows]!);
  const values = new Float64Array(rowStarts[rows]!);
  const scale = 1 / (2 * rows);
  let sumPLogP = 0;
  for (let row = 0; row < rows; row++) {
    const from = bound[row]!;
    const to = rowStarts[row]!;
    for (let slot = 0; slot < lengths[row]!; slot++) {
      columns[to + slot] = boundColumns[from + slot]!;
      const value = boundValues[from + slot]! * scale;
      values[to + slot] = value;
      if (value > 0) sumPLogP += value * Math.log(value);
    }
  }
  return { rowStarts, columns, values, sumPLogP };
}
