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
  const sums = new CosineSums(embeddings.dims);
  sums.add(embeddings.data, embeddings.rows);
  return sums.meanCosine();
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
  const sums = new CosineSums(dims, true);
  sums.add(data, rows, leafIds);
  return sums.leafCosine();
}

/**
 * The running sums behind `meanPairwiseCosine` and `leafPairwiseCosine`, fed a block of rows at a
 * time (`add`), so a matrix streamed in chunks gives the same numbers, bit for bit, as one held whole.
 */
export class CosineSums {
  private readonly total: Float64Array;
  private squaredNorms = 0;
  private rows = 0;
  private readonly leafIndex = new Map<string, number>();
  private readonly order: string[] = [];
  private leafSums = new Float64Array(0);
  private leafSquaredNorms: number[] = [];
  private leafCounts: number[] = [];

  /** `byLeaf`: also keep a sum per leaf (then every `add` needs the rows' leaf ids). */
  constructor(
    readonly dims: number,
    private readonly byLeaf = false,
  ) {
    this.total = new Float64Array(dims);
  }

  /** Adds `count` rows of `data` (row-major, `dims` wide); `leafIds[i]` is row i's leaf. */
  add(data: Float32Array, count: number, leafIds?: ArrayLike<string>): void {
    const { dims, total } = this;
    for (let row = 0; row < count; row++) {
      const start = row * dims;
      let squared = 0;
      for (let k = 0; k < dims; k++) {
        const value = data[start + k]!;
        total[k] = total[k]! + value;
        squared += value * value;
      }
      this.squaredNorms += squared;
      if (!this.byLeaf) continue;
      const leaf = this.leaf(leafIds![row]!);
      const offset = leaf * dims;
      const sums = this.leafSums;
      for (let k = 0; k < dims; k++) sums[offset + k] = sums[offset + k]! + data[start + k]!;
      this.leafSquaredNorms[leaf] = this.leafSquaredNorms[leaf]! + squared;
      this.leafCounts[leaf] = this.leafCounts[leaf]! + 1;
    }
    this.rows += count;
  }

  private leaf(leafId: string): number {
    let index = this.leafIndex.get(leafId);
    if (index !== undefined) return index;
    index = this.order.length;
    this.leafIndex.set(leafId, index);
    this.order.push(leafId);
    this.leafSquaredNorms.push(0);
    this.leafCounts.push(0);
    if (this.leafSums.length < this.order.length * this.dims) {
      const grown = new Float64Array(Math.max(this.order.length * 2, 16) * this.dims);
      grown.set(this.leafSums);
      this.leafSums = grown;
    }
    return index;
  }

  /** Mean pairwise cosine of every row added (without leaves); NaN for fewer than two rows. */
  meanCosine(): number {
    const { rows } = this;
    if (rows < 2) return Number.NaN;
    return (squaredLength(this.total) - this.squaredNorms) / 2 / ((rows * (rows - 1)) / 2);
  }

  /** The within- and across-leaf means (`leafPairwiseCosine`); needs `byLeaf`. */
  leafCosine(): LeafPairwiseCosine {
    const { dims, rows } = this;
    const leaves = this.order.length;
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
        const value = this.leafSums[offset + k]!;
        total[k] = total[k]! + value;
        squared += value * value;
      }
      leafSquaredSums += squared;
      const samples = this.leafCounts[leaf]!;
      const pairs = (samples * (samples - 1)) / 2;
      const pairSum = (squared - this.leafSquaredNorms[leaf]!) / 2;
      withinSum += pairSum;
      withinPairs += pairs;
      const meanCosine = pairs > 0 ? pairSum / pairs : Number.NaN;
      if (pairs > 0) {
        macroSum += meanCosine;
        macroLeaves++;
      }
      perLeaf.push({ leafId: this.order[leaf]!, samples, meanCosine });
    }
    const acrossPairs = (rows * rows - sumOfSquares(this.leafCounts)) / 2;
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
}

function squaredLength(vector: Float64Array): number {
  let squared = 0;
  for (let k = 0; k < vector.length; k++) squared += vector[k]! * vector[k]!;
  return squared;
}

function sumOfSquares(values: readonly number[]): number {
  let squared = 0;
  for (const value of values) squared += value * value;
  return squared;
}
