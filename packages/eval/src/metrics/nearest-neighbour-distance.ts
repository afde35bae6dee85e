import { seededSample } from '@treesynth/core/internal';
import { createDotBlocks } from './_dot-blocks.js';
import type { EmbeddingMatrix } from './embedding-matrix.js';

export interface NearestNeighbourOptions {
  /**
   * Query points sampled (seeded) when there are more than twice as many rows, each with its exact
   * nearest neighbour among all rows; with fewer rows every point is a query, since all pairs then
   * cost no more (n²·d/2 ≤ m·n·d). Default 10,000: every point up to n = 20,000.
   */
  sampleQueries?: number;
  /** Default 0. */
  seed?: number | string;
  /**
   * Sum dot products in Float64 with the scalar kernel (several times slower) instead of the
   * WebAssembly SIMD kernel's float32 sums (absolute error about 1e-7 on unit rows). Default false.
   */
  float64?: boolean;
}

export interface NearestNeighbourResult {
  /** Mean over the queries of the cosine distance 1 − x_i·x_nn(i) to the nearest other point. */
  mean: number;
  median: number;
  /** Queries whose nearest neighbour is at distance ≤ 1e-6 (a duplicate embedding), as a fraction. */
  duplicateFraction: number;
  queries: number;
  /** True when the queries are a sample rather than every point. */
  sampled: boolean;
  /**
   * With sampled queries: the standard error of `mean`, sd/√queries (the sample standard deviation of
   * the queries' distances; the finite-population correction left out, so it errs on the wide side).
   * `mean ± 1.96 · standardError` is a 95% interval for the mean over all points.
   */
  standardError?: number;
}

const BLOCK = 256;

/**
 * Mean cosine distance to the nearest other point, for unit rows: d_i = 1 − max_{j≠i} x_i·x_j, higher
 * is more diverse (0 when every point has a duplicate). Exact brute force with blocked matrix
 * products: 256 × 256 tiles, each by the WebAssembly SIMD kernel (2 × 4 register tiles of f32x4
 * accumulators, about 10 G multiply-adds per second on one core) or, with `float64` or without
 * SIMD, the scalar kernel (4 × 4 tiles, Float64 sums, about 2 G per second).
 *
 * Cost: with all n points as queries, n²·d/2 multiply-adds (symmetric tiles are computed once):
 * 7.7·10¹⁰ at n = 20,000, d = 384. With m sampled queries, m·n·d: m = 10,000 against n = 100,000
 * at d = 384 is 3.8·10¹¹: 8 s and 31 s of CPU time measured with SIMD. Memory: a copy of the rows for the SIMD kernel plus O(256²). The sampled mean is an
 * unbiased estimate of the all-points mean. NaN for fewer than two rows.
 */
export function nearestNeighbourDistance(
  embeddings: EmbeddingMatrix,
  options: NearestNeighbourOptions = {},
): NearestNeighbourResult {
  const { rows } = embeddings;
  const sampleQueries = options.sampleQueries ?? 10_000;
  if (rows < 2) {
    return {
      mean: Number.NaN,
      median: Number.NaN,
      duplicateFraction: Number.NaN,
      queries: 0,
      sampled: false,
    };
  }
  const sampled = rows > 2 * sampleQueries;
  const float64 = options.float64 ?? false;
  const best = sampled
    ? sampledNearest(embeddings, seededSample(rows, sampleQueries, options.seed ?? 0), float64)
    : allNearest(embeddings, float64);
  return summarizeNearest(best, sampled);
}

/** The result from each query's largest similarity to another point. */
function summarizeNearest(best: Float64Array, sampled: boolean): NearestNeighbourResult {
  const distances = new Float64Array(best.length);
  let sum = 0;
  let duplicates = 0;
  for (let i = 0; i < best.length; i++) {
    const distance = 1 - best[i]!;
    distances[i] = distance;
    sum += distance;
    if (distance <= 1e-6) duplicates++;
  }
  const mean = sum / best.length;
  let squares = 0;
  for (const distance of distances) squares += (distance - mean) ** 2;
  distances.sort();
  const middle = distances.length >> 1;
  const median =
    distances.length % 2 === 1 ? distances[middle]! : (distances[middle - 1]! + distances[middle]!) / 2;
  return {
    mean,
    median,
    duplicateFraction: duplicates / best.length,
    queries: best.length,
    sampled,
    ...(sampled && best.length > 1
      ? { standardError: Math.sqrt(squares / (best.length - 1) / best.length) }
      : {}),
  };
}

/**
 * The nearest-neighbour distance of sampled query points against rows streamed in blocks (`add`, in
 * row order), so the whole matrix is never held: the queries' own unit rows are given first, each
 * with its row index (its own row is not its neighbour). Cost m·n·d multiply-adds for m queries on
 * the SIMD kernel, memory O(m·d + block). Gives what `nearestNeighbourDistance` gives with the same
 * queries (`sampled: true`, with its standard error).
 */
export class StreamingNearest {
  private readonly best: Float64Array;
  private readonly blocks;
  private readonly tile = new Float64Array(BLOCK * BLOCK);
  private nextRow = 0;

  constructor(
    private readonly queries: EmbeddingMatrix,
    private readonly queryRows: readonly number[],
    maxBlockRows: number,
  ) {
    this.best = new Float64Array(queries.rows).fill(Number.NEGATIVE_INFINITY);
    this.blocks = createDotBlocks({
      left: queries.data,
      leftRows: queries.rows,
      right: new Float32Array(maxBlockRows * queries.dims),
      rightRows: maxBlockRows,
      dims: queries.dims,
      maxBlockRows: BLOCK,
      maxBlockColumns: BLOCK,
    });
  }

  /** The next `count` rows (row-major unit rows). */
  add(data: Float32Array, count: number): void {
    const { best, tile, queryRows } = this;
    const first = this.nextRow;
    this.blocks.setRight(data, count);
    for (let jStart = 0; jStart < count; jStart += BLOCK) {
      const jCount = Math.min(BLOCK, count - jStart);
      for (let iStart = 0; iStart < this.queries.rows; iStart += BLOCK) {
        const iCount = Math.min(BLOCK, this.queries.rows - iStart);
        this.blocks.compute(iStart, iCount, jStart, jCount, tile);
        for (let i = 0; i < iCount; i++) {
          const self = queryRows[iStart + i]! - first - jStart;
          const row = i * jCount;
          let rowBest = best[iStart + i]!;
          for (let j = 0; j < jCount; j++) {
            if (j === self) continue;
            const similarity = tile[row + j]!;
            if (similarity > rowBest) rowBest = similarity;
          }
          best[iStart + i] = rowBest;
        }
      }
    }
    this.nextRow += count;
  }

  result(): NearestNeighbourResult {
    if (this.nextRow < 2 || this.queries.rows === 0)
      return {
        mean: Number.NaN,
        median: Number.NaN,
        duplicateFraction: Number.NaN,
        queries: 0,
        sampled: true,
      };
    return summarizeNearest(this.best, true);
  }
}

/** Largest similarity to another point, for every point: symmetric tiles, each computed once. */
function allNearest(embeddings: EmbeddingMatrix, float64: boolean): Float64Array {
  const { data, rows, dims } = embeddings;
  const blocks = createDotBlocks({
    left: data,
    leftRows: rows,
    dims,
    maxBlockRows: BLOCK,
    maxBlockColumns: BLOCK,
    float64,
  });
  const best = new Float64Array(rows).fill(Number.NEGATIVE_INFINITY);
  const tile = new Float64Array(BLOCK * BLOCK);
  for (let iStart = 0; iStart < rows; iStart += BLOCK) {
    const iCount = Math.min(BLOCK, rows - iStart);
    for (let jStart = iStart; jStart < rows; jStart += BLOCK) {
      const jCount = Math.min(BLOCK, rows - jStart);
      const diagonal = iStart === jStart;
      blocks.compute(iStart, iCount, jStart, jCount, tile);
      for (let i = 0; i < iCount; i++) {
        const row = i * jCount;
        let rowBest = best[iStart + i]!;
        for (let j = diagonal ? i + 1 : 0; j < jCount; j++) {
          const similarity = tile[row + j]!;
          if (similarity > rowBest) rowBest = similarity;
          if (similarity > best[jStart + j]!) best[jStart + j] = similarity;
        }
        best[iStart + i] = rowBest;
      }
    }
  }
  return best;
}

/** Largest similarity to another point for each query, against every row. */
function sampledNearest(
  embeddings: EmbeddingMatrix,
  queries: readonly number[],
  float64: boolean,
): Float64Array {
  const { data, rows, dims } = embeddings;
  const queryCount = queries.length;
  const queryData = new Float32Array(queryCount * dims);
  queries.forEach((row, i) => {
    queryData.set(data.subarray(row * dims, (row + 1) * dims), i * dims);
  });
  const blocks = createDotBlocks({
    left: queryData,
    leftRows: queryCount,
    right: data,
    rightRows: rows,
    dims,
    maxBlockRows: BLOCK,
    maxBlockColumns: BLOCK,
    float64,
  });
  const best = new Float64Array(queryCount).fill(Number.NEGATIVE_INFINITY);
  const tile = new Float64Array(BLOCK * BLOCK);
  for (let jStart = 0; jStart < rows; jStart += BLOCK) {
    const jCount = Math.min(BLOCK, rows - jStart);
    for (let iStart = 0; iStart < queryCount; iStart += BLOCK) {
      const iCount = Math.min(BLOCK, queryCount - iStart);
      blocks.compute(iStart, iCount, jStart, jCount, tile);
      for (let i = 0; i < iCount; i++) {
        const self = queries[iStart + i]!;
        const row = i * jCount;
        let rowBest = best[iStart + i]!;
        for (let j = 0; j < jCount; j++) {
          if (jStart + j === self) continue;
          const similarity = tile[row + j]!;
          if (similarity > rowBest) rowBest = similarity;
        }
        best[iStart + i] = rowBest;
      }
    }
  }
  return best;
}
