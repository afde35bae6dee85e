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
 * come in order of first appearance: its own neighbours (nearest first), then the rows that list
 * it (ascending).
 */
export function symmetrizeAffinities(
  graph: NeighbourGraph,
  conditional: Float64Array,
  rows: number,
): Affinities {
  const { k, indices } = graph;
  // Inbound lists: for each row i, the rows j that list i, with p(i|j); rows ascending.
  const inboundStarts = new Int32Array(rows + 1);
  for (let entry = 0; entry < rows * k; entry++) inboundStarts[indices[entry]! + 1]!++;
  for (let row = 0; row < rows; row++) inboundStarts[row + 1] = inboundStarts[row + 1]! + inboundStarts[row]!;
  const fill = inboundStarts.slice(0, rows);
  const sources = new Int32Array(rows * k);
  const sourceValues = new Float64Array(rows * k);
  for (let row = 0; row < rows; row++) {
    for (let slot = 0; slot < k; slot++) {
      const position = fill[indices[row * k + slot]!]!++;
      sources[position] = row;
      sourceValues[position] = conditional[row * k + slot]!;
    }
  }
  // Merge each row's own list and inbound list; `slotOf[j]` is valid while `owner[j]` is the row.
  const owner = new Int32Array(rows).fill(-1);
  const slotOf = new Int32Array(rows);
  const rowStarts = new Int32Array(rows + 1);
  const mergedColumns = new Int32Array(2 * rows * k);
  const mergedValues = new Float64Array(2 * rows * k);
  let length = 0;
  for (let row = 0; row < rows; row++) {
    for (let slot = 0; slot < k; slot++) {
      const column = indices[row * k + slot]!;
      owner[column] = row;
      slotOf[column] = length;
      mergedColumns[length] = column;
      mergedValues[length] = conditional[row * k + slot]!;
      length++;
    }
    for (let position = inboundStarts[row]!; position < inboundStarts[row + 1]!; position++) {
      const column = sources[position]!;
      if (owner[column] === row) {
        const slot = slotOf[column]!;
        mergedValues[slot] = mergedValues[slot]! + sourceValues[position]!;
      } else {
        owner[column] = row;
        mergedColumns[length] = column;
        mergedValues[length] = sourceValues[position]!;
        length++;
      }
    }
    rowStarts[row + 1] = length;
  }
  const columns = mergedColumns.slice(0, length);
  const values = new Float64Array(length);
  const scale = 1 / (2 * rows);
  let sumPLogP = 0;
  for (let entry = 0; entry < length; entry++) {
    const value = mergedValues[entry]! * scale;
    values[entry] = value;
    if (value > 0) sumPLogP += value * Math.log(value);
  }
  return { rowStarts, columns, values, sumPLogP };
}
