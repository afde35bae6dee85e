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
