import { createRandom } from '@treesynth/core/internal';
import { createDotBlocks, type DotBlocks } from './_dot-blocks.js';
import { dot } from './_dot-kernel.js';
import type { EmbeddingMatrix } from './embedding-matrix.js';

export interface KMeansOptions {
  k: number;
  /** Default 0. */
  seed?: number | string;
  /** Lloyd iterations at most; default 20. */
  maxIterations?: number;
  /** Stop when at most this fraction of points changes cluster in an iteration; default 0.001. */
  tolerance?: number;
  /** Assignment dot products in Float64 with the scalar kernel instead of SIMD float32; default false. */
  float64?: boolean;
}

export interface KMeansResult {
  k: number;
  /** Cluster of each row. */
  assignments: Int32Array;
  /** k × d, row-major. */
  centroids: Float32Array;
  /** Rows per cluster. */
  sizes: number[];
  /** Sum of squared Euclidean distances to the assigned centroids. */
  inertia: number;
  iterations: number;
  converged: boolean;
}

const BLOCK = 256;

/**
 * Euclidean k-means: k-means++ seeding (Arthur & Vassilvitskii, 2007: first centre uniform, each next
 * one drawn with probability ∝ squared distance to the nearest centre so far) from a seeded
 * generator, then Lloyd iterations. Distances use ‖x‖² − 2x·c + ‖c‖², the dot products by blocks
 * on the WebAssembly SIMD kernel (float32 sums) unless `float64`; centroid sums are Float64. A cluster left empty is re-seeded at the point farthest from its
 * centroid. Cost O(n·k·d) per iteration and for the seeding.
 */
export function kMeans(embeddings: EmbeddingMatrix, options: KMeansOptions): KMeansResult {
  const { data, rows, dims } = embeddings;
  const k = Math.max(1, Math.min(Math.floor(options.k), rows));
  const maxIterations = options.maxIterations ?? 20;
  const tolerance = options.tolerance ?? 0.001;
  const random = createRandom(`${options.seed ?? 0}:k-means`);
  const norms = new Float64Array(rows);
  for (let row = 0; row < rows; row++) norms[row] = dot(data, row * dims, data, row * dims, dims);

  // Four right-hand rows at least, so the seeding can put one centre through the SIMD kernel.
  const blocks = createDotBlocks({
    left: data,
    leftRows: rows,
    right: new Float32Array(Math.max(k, 4) * dims),
    rightRows: Math.max(k, 4),
    dims,
    maxBlockRows: BLOCK,
    maxBlockColumns: Math.max(k, 4),
    float64: options.float64 ?? false,
  });
  const centroids = seedCentroids(embeddings, norms, k, random, blocks);
  const assignments = new Int32Array(rows).fill(-1);
  const distances = new Float64Array(rows);
  const sums = new Float64Array(k * dims);
  const sizes = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  let inertia = 0;
  while (true) {
    blocks.setRight(centroids, k);
    const changed = assign(embeddings, norms, blocks, centroids, k, assignments, distances);
    inertia = 0;
    for (let row = 0; row < rows; row++) inertia += distances[row]!;
    if (iterations > 0 && changed <= tolerance * rows) {
      converged = true;
      break;
    }
    if (iterations === maxIterations || rows === 0) break;
    iterations++;
    sums.fill(0);
    sizes.fill(0);
    for (let row = 0; row < rows; row++) {
      const cluster = assignments[row]!;
      sizes[cluster] = sizes[cluster]! + 1;
      const offset = cluster * dims;
      const start = row * dims;
      for (let d = 0; d < dims; d++) sums[offset + d] = sums[offset + d]! + data[start + d]!;
    }
    for (let cluster = 0; cluster < k; cluster++) {
      const offset = cluster * dims;
      if (sizes[cluster]! > 0) {
        for (let d = 0; d < dims; d++) centroids[offset + d] = sums[offset + d]! / sizes[cluster]!;
        continue;
      }
      let farthest = 0;
      for (let row = 1; row < rows; row++) if (distances[row]! > distances[farthest]!) farthest = row;
      distances[farthest] = 0;
      centroids.set(data.subarray(farthest * dims, (farthest + 1) * dims), offset);
    }
  }
  const counts = new Array<number>(k).fill(0);
  for (const cluster of assignments) counts[cluster] = counts[cluster]! + 1;
  return { k, assignments, centroids, sizes: counts, inertia, iterations, converged };
}

function seedCentroids(
  embeddings: EmbeddingMatrix,
  norms: Float64Array,
  k: number,
  random: () => number,
  blocks: DotBlocks,
): Float32Array {
  const { data, rows, dims } = embeddings;
  const centroids = new Float32Array(k * dims);
  if (rows === 0) return centroids;
  const nearest = new Float64Array(rows).fill(Number.POSITIVE_INFINITY);
  const dots = new Float64Array(rows);
  const centre = new Float32Array(4 * dims);
  const tile = new Float64Array(BLOCK * 4);
  let chosen = Math.floor(random() * rows);
  for (let cluster = 0; cluster < k; cluster++) {
    centroids.set(data.subarray(chosen * dims, (chosen + 1) * dims), cluster * dims);
    if (blocks.simd) {
      // One centre against every row; the other three right-hand rows are ignored.
      centre.set(data.subarray(chosen * dims, (chosen + 1) * dims));
      blocks.setRight(centre, 1);
      for (let start = 0; start < rows; start += BLOCK) {
        const count = Math.min(BLOCK, rows - start);
        blocks.compute(start, count, 0, 4, tile);
        for (let i = 0; i < count; i++) dots[start + i] = tile[i * 4]!;
      }
    } else {
      for (let row = 0; row < rows; row++) dots[row] = dot(data, row * dims, data, chosen * dims, dims);
    }
    const centreNorm = norms[chosen]!;
    let total = 0;
    for (let row = 0; row < rows; row++) {
      const distance = row === chosen ? 0 : Math.max(0, norms[row]! + centreNorm - 2 * dots[row]!);
      if (distance < nearest[row]!) nearest[row] = distance;
      total += nearest[row]!;
    }
    if (cluster === k - 1) break;
    if (total <= 0) {
      // Every point coincides with a centre: the remaining centres repeat uniformly drawn points.
      chosen = Math.floor(random() * rows);
      continue;
    }
    let target = random() * total;
    chosen = rows - 1;
    for (let row = 0; row < rows; row++) {
      target -= nearest[row]!;
      if (target < 0 && nearest[row]! > 0) {
        chosen = row;
        break;
      }
    }
  }
  return centroids;
}

/** Assign each row to its nearest centroid; returns how many rows changed cluster. */
function assign(
  embeddings: EmbeddingMatrix,
  norms: Float64Array,
  blocks: DotBlocks,
  centroids: Float32Array,
  k: number,
  assignments: Int32Array,
  distances: Float64Array,
): number {
  const { rows, dims } = embeddings;
  const centroidNorms = new Float64Array(k);
  for (let cluster = 0; cluster < k; cluster++) {
    centroidNorms[cluster] = dot(centroids, cluster * dims, centroids, cluster * dims, dims);
  }
  const tile = new Float64Array(BLOCK * k);
  let changed = 0;
  for (let start = 0; start < rows; start += BLOCK) {
    const count = Math.min(BLOCK, rows - start);
    blocks.compute(start, count, 0, k, tile);
    for (let i = 0; i < count; i++) {
      let bestCluster = 0;
      let bestScore = Number.POSITIVE_INFINITY;
      for (let cluster = 0; cluster < k; cluster++) {
        const score = centroidNorms[cluster]! - 2 * tile[i * k + cluster]!;
        if (score < bestScore) {
          bestScore = score;
          bestCluster = cluster;
        }
      }
      const row = start + i;
      if (assignments[row] !== bestCluster) changed++;
      assignments[row] = bestCluster;
      distances[row] = Math.max(0, norms[row]! + bestScore);
    }
  }
  return changed;
}
