import { normalizedEntropy } from './distribution-stats.js';
import type { EmbeddingMatrix } from './embedding-matrix.js';
import { kMeans } from './k-means.js';

export interface ClusterEntropyOptions {
  /** Clusters; default round(√(n/2)), at least 2 and at most 100 (and n). */
  k?: number;
  /** Default 0. */
  seed?: number | string;
  /** Default 20. */
  maxIterations?: number;
  /** Default 0.001 (fraction of points changing cluster). */
  tolerance?: number;
}

export interface ClusterEntropyResult {
  /** H(sizes / n) / log k, in [0, 1]; NaN when k < 2. */
  entropy: number;
  k: number;
  /** Cluster sizes, largest first. */
  sizes: number[];
  iterations: number;
  converged: boolean;
  /**
   * When k-means ran on a seeded sample of the rows (`clusterEntropyOfSample`): the rows in the
   * sample, and the standard error of `entropy` from the sampling of cluster sizes (delta method:
   * Var(Ĥ) ≈ (Σ p_c ln² p_c − H²) / s for s sampled rows, divided by ln k). It does not cover the
   * variation of the clustering itself between samples.
   */
  sampledRows?: number;
  standardError?: number;
}

/** The default k: round(√(n/2)) clamped to [2, 100] and to n. */
export function defaultClusterCount(rows: number): number {
  return Math.min(rows, Math.max(2, Math.min(100, Math.round(Math.sqrt(rows / 2)))));
}

/**
 * Cluster entropy: k-means (seeded k-means++ then Lloyd, see `kMeans`) on the embeddings, then the
 * normalised Shannon entropy of the cluster sizes, H / log k with H = −Σ (n_c/n) log(n_c/n). 1 means
 * the data spreads evenly over k regions, near 0 means it piles into a few; higher is more diverse.
 * Empty clusters count towards k. Cost O(n·k·d) per iteration, at most `maxIterations` + 1 passes
 * plus the seeding.
 */
export function clusterEntropy(
  embeddings: EmbeddingMatrix,
  options: ClusterEntropyOptions = {},
): ClusterEntropyResult {
  const k = options.k ?? defaultClusterCount(embeddings.rows);
  const result = kMeans(embeddings, { ...options, k });
  return {
    entropy: normalizedEntropy(result.sizes, result.k),
    k: result.k,
    sizes: [...result.sizes].sort((a, b) => b - a),
    iterations: result.iterations,
    converged: result.converged,
  };
}

/**
 * `clusterEntropy` of a large matrix from a seeded sample of its rows: k-means on the sample (k from
 * the full row count, `totalRows`, unless given, at most the sample size), with its standard error.
 */
export function clusterEntropyOfSample(
  sample: EmbeddingMatrix,
  totalRows: number,
  options: ClusterEntropyOptions = {},
): ClusterEntropyResult {
  const k = Math.min(sample.rows, options.k ?? defaultClusterCount(totalRows));
  const result = clusterEntropy(sample, { ...options, k });
  const rows = sample.rows;
  let entropy = 0;
  let squares = 0;
  for (const size of result.sizes) {
    if (size === 0) continue;
    const p = size / rows;
    entropy -= p * Math.log(p);
    squares += p * Math.log(p) ** 2;
  }
  const variance = Math.max(0, squares - entropy * entropy) / rows;
  return {
    ...result,
    sampledRows: rows,
    standardError: result.k > 1 ? Math.sqrt(variance) / Math.log(result.k) : Number.NaN,
  };
}
