import { ConfigError } from '@treesynth/core';
import type { EmbeddingMatrix } from './embedding-matrix.js';

/**
 * Mean pairwise cosine similarity, the paper's diversity score: lower is more diverse.
 *
 *   mean = Σ_{i<j} x_i·x_j / (n(n−1)/2)
 *
 * computed exactly in O(n·d) time and O(d) memory with the sum-of-vectors identity
 *
 *   Σ_{i<j} x_i·x_j = (‖Σ_i x_i‖² − Σ_i ‖x_i‖²) / 2,
 *
 * accumulated in Float64. For unit rows this is the mean cosine; for other rows it is the mean dot
 * product (normalise first). NaN when there are fewer than two rows.
 */
export function meanPairwiseCosine(embeddings: EmbeddingMatrix): number {
  const { rows } = embeddings;
  if (rows < 2) return Number.NaN;
  const sum = new Float64Array(embeddings.dims);
  const squaredNorms = addRows(embeddings, sum);
  return (squaredLength(sum) - squaredNorms) / 2 / ((rows * (rows - 1)) / 2);
}

/** One leaf's within-leaf score. */
export interface LeafCosineEntry {
  leafId: string;
  samples: number;
  /** Mean cosine over the leaf's pairs; NaN for a leaf with one sample. */
  meanCosine: number;
}

export interface LeafPairwiseCosine {
  /** Mean over all pairs that share a leaf (pair-weighted, so large leaves count more). */
  withinLeaf: number;
  /** Mean of the per-leaf means over leaves with at least two samples (each leaf counts once). */
  withinLeafMacro: number;
  /** Mean over all pairs whose samples lie in different leaves. */
  acrossLeaves: number;
  /** Pairs in the same leaf, and in different leaves. */
  withinPairs: number;
  acrossPairs: number;
  /** Per leaf, in order of first appearance. */
  perLeaf: LeafCosineEntry[];
}

/**
 * Mean pairwise cosine within leaves and across leaves, exactly, in O(n·d + L·d) for L leaves.
 * With S the sum of all rows, S_l the sum of leaf l's rows and q_l = Σ_{i∈l} ‖x_i‖²:
 *
 *   within leaf l:  Σ_{i<j∈l} x_i·x_j = (‖S_l‖² − q_l) / 2              over n_l(n_l−1)/2 pairs
 *   across leaves:  Σ_{i,j in different leaves} x_i·x_j = (‖S‖² − Σ_l ‖S_l‖²) / 2
 *                                                          over (n² − Σ_l n_l²)/2 pairs
 *
 * A generator that spreads samples over subspaces shows within-leaf similarity well above the
 * across-leaf one; lower is more diverse for both.
 */
export function leafPairwiseCosine(
  embeddings: EmbeddingMatrix,
  leafIds: readonly string[],
): LeafPairwiseCosine {
  const { rows, dims, data } = embeddings;
  if (leafIds.length !== rows) {
    throw new ConfigError({
      path: 'leafIds',
      message: `has ${leafIds.length} entries for ${rows} embeddings`,
    });
  }
  const leafIndex = new Map<string, number>();
  const order: string[] = [];
  const assignment = new Int32Array(rows);
  leafIds.forEach((leafId, row) => {
    let index = leafIndex.get(leafId);
    if (index === undefined) {
      index = order.length;
      leafIndex.set(leafId, index);
      order.push(leafId);
    }
    assignment[row] = index;
  });
  const leaves = order.length;
  const sums = new Float64Array(leaves * dims);
  const squaredNorms = new Float64Array(leaves);
  const counts = new Float64Array(leaves);
  for (let row = 0; row < rows; row++) {
    const leaf = assignment[row]!;
    const offset = leaf * dims;
    const start = row * dims;
    let squared = 0;
    for (let k = 0; k < dims; k++) {
      const value = data[start + k]!;
      sums[offset + k] = sums[offset + k]! + value;
      squared += value * value;
    }
    squaredNorms[leaf] = squaredNorms[leaf]! + squared;
    counts[leaf] = counts[leaf]! + 1;
  }
  const total = new Float64Array(dims);
  let withinSum = 0;
  let withinPairs = 0;
  let leafSquaredSums = 0;
  let macroSum = 0;
  let macroLeaves = 0;
  const perLeaf: LeafCosineEntry[] = [];
  for (let leaf = 0; leaf < leaves; leaf++) {
    const offset = leaf * dims;
    let squared = 0;
    for (let k = 0; k < dims; k++) {
      const value = sums[offset + k]!;
      total[k] = total[k]! + value;
      squared += value * value;
    }
    leafSquaredSums += squared;
    const samples = counts[leaf]!;
    const pairs = (samples * (samples - 1)) / 2;
    const pairSum = (squared - squaredNorms[leaf]!) / 2;
    withinSum += pairSum;
    withinPairs += pairs;
    const meanCosine = pairs > 0 ? pairSum / pairs : Number.NaN;
    if (pairs > 0) {
      macroSum += meanCosine;
      macroLeaves++;
    }
    perLeaf.push({ leafId: order[leaf]!, samples, meanCosine });
  }
  const acrossPairs = (rows * rows - sumOfSquares(counts)) / 2;
  const acrossSum = (squaredLength(total) - leafSquaredSums) / 2;
  return {
    withinLeaf: withinPairs > 0 ? withinSum / withinPairs : Number.NaN,
    withinLeafMacro: macroLeaves > 0 ? macroSum / macroLeaves : Number.NaN,
    acrossLeaves: acrossPairs > 0 ? acrossSum / acrossPairs : Number.NaN,
    withinPairs,
    acrossPairs,
    perLeaf,
  };
}

/** Adds every row into `sum`; returns Σ‖x_i‖². */
function addRows(embeddings: EmbeddingMatrix, sum: Float64Array): number {
  const { data, dims, rows } = embeddings;
  let squaredNorms = 0;
  for (let row = 0; row < rows; row++) {
    const start = row * dims;
    let squared = 0;
    for (let k = 0; k < dims; k++) {
      const value = data[start + k]!;
      sum[k] = sum[k]! + value;
      squared += value * value;
    }
    squaredNorms += squared;
  }
  return squaredNorms;
}

function squaredLength(vector: Float64Array): number {
  let squared = 0;
  for (let k = 0; k < vector.length; k++) squared += vector[k]! * vector[k]!;
  return squared;
}

function sumOfSquares(values: Float64Array): number {
  let squared = 0;
  for (const value of values) squared += value * value;
  return squared;
}
