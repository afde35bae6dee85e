import { createDotBlocks } from './_dot-blocks.js';
import { accumulateDots } from './_dot-kernel.js';
import type { EmbeddingMatrix } from './embedding-matrix.js';
import { symmetricEigenvalues } from './symmetric-eigen.js';

export interface VendiOptions {
  /**
   * Order q of the score (Pasarkar & Dieng, 2024): 1 (the default) is exp(Shannon entropy);
   * q ≠ 1 is (Σ λ^q)^(1/(1−q)); Infinity is 1 / max λ. Lower orders weigh rare modes more.
   */
  order?: number;
}

/**
 * Vendi score (Friedman & Dieng, 2023): the effective number of distinct samples; higher is more
 * diverse, from 1 (all identical) to n (all orthogonal).
 *
 *   VS = exp(−Σ_i λ_i log λ_i),  λ = eigenvalues of K/n,  K = X Xᵀ (cosine kernel of unit rows)
 *
 * K/n (n × n) and the dual Xᵀ X / n (d × d) share their nonzero eigenvalues, so the score is computed
 * exactly from whichever is smaller: O(n·d·min(n, d)) to form it (blocked, Float64 sums) plus
 * O(min(n, d)³) for the eigenvalues (`symmetricEigenvalues`). The eigenvalues are divided by their
 * sum (the trace, Σ‖x_i‖²/n, which is 1 for unit rows) and tiny negative round-off is clamped to 0.
 * NaN for an empty matrix.
 */
export function vendiScore(embeddings: EmbeddingMatrix, options: VendiOptions = {}): number {
  const { rows, dims } = embeddings;
  if (rows === 0 || dims === 0) return Number.NaN;
  const { matrix, size } = rows <= dims ? gramMatrix(embeddings) : covarianceMatrix(embeddings);
  return vendiFromEigenvalues(symmetricEigenvalues(matrix, size), options.order ?? 1);
}

/** The Vendi score of order q from a kernel's eigenvalues (normalised here to sum to 1). */
export function vendiFromEigenvalues(eigenvalues: ArrayLike<number>, order = 1): number {
  let trace = 0;
  for (let i = 0; i < eigenvalues.length; i++) trace += Math.max(0, eigenvalues[i]!);
  if (trace === 0) return Number.NaN;
  if (order === Number.POSITIVE_INFINITY) {
    let largest = 0;
    for (let i = 0; i < eigenvalues.length; i++) largest = Math.max(largest, eigenvalues[i]! / trace);
    return 1 / largest;
  }
  if (order === 1) {
    let entropy = 0;
    for (let i = 0; i < eigenvalues.length; i++) {
      const p = Math.max(0, eigenvalues[i]!) / trace;
      if (p > 0) entropy -= p * Math.log(p);
    }
    return Math.exp(entropy);
  }
  let power = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    const p = Math.max(0, eigenvalues[i]!) / trace;
    if (p > 0) power += p ** order;
  }
  return power ** (1 / (1 - order));
}

/** X Xᵀ (n × n); the 1/n is irrelevant after normalising by the trace. */
function gramMatrix(embeddings: EmbeddingMatrix): { matrix: Float64Array; size: number } {
  const { data, rows, dims } = embeddings;
  const matrix = new Float64Array(rows * rows);
  const rowsFloat64 = Float64Array.from(data.subarray(0, rows * dims));
  accumulateDots(rowsFloat64, 0, rows, rowsFloat64, 0, rows, dims, matrix, true);
  mirrorUpper(matrix, rows);
  return { matrix, size: rows };
}

/** Xᵀ X (d × d), from blocks of rows transposed so each entry is a dot product of contiguous runs. */
function covarianceMatrix(embeddings: EmbeddingMatrix): { matrix: Float64Array; size: number } {
  const { data, rows, dims } = embeddings;
  const block = 256;
  const transposed = new Float64Array(dims * block);
  const matrix = new Float64Array(dims * dims);
  for (let start = 0; start < rows; start += block) {
    const count = Math.min(block, rows - start);
    for (let i = 0; i < count; i++) {
      const source = (start + i) * dims;
      for (let k = 0; k < dims; k++) transposed[k * count + i] = data[source + k]!;
    }
    accumulateDots(transposed, 0, dims, transposed, 0, dims, count, matrix, true);
  }
  mirrorUpper(matrix, dims);
  return { matrix, size: dims };
}

/**
 * The Vendi score from Xᵀ X (d × d, row-major, only the upper triangle read; not modified), as
 * `StreamingVendi` and its worker (`_vendi-worker.ts`) sum it. NaN for d = 0.
 */
function vendiFromDual(upper: Float64Array, dims: number, order = 1): number {
  if (dims === 0) return Number.NaN;
  const matrix = Float64Array.from(upper);
  mirrorUpper(matrix, dims);
  return vendiFromEigenvalues(symmetricEigenvalues(matrix, dims), order);
}

function mirrorUpper(matrix: Float64Array, size: number): void {
  for (let i = 0; i < size; i++) {
    for (let j = i + 1; j < size; j++) matrix[j * size + i] = matrix[i * size + j]!;
  }
}

const TILE = 256;

/**
 * The Vendi score through the d × d dual of rows streamed in blocks (`add`), for matrices too large to
 * hold: Xᵀ X is summed from blocks of `blockRows` rows, each block's products on the WebAssembly SIMD
 * kernel (float32 sums over one block, about 1e-7 relative) added into Float64; cost n·d²/2
 * multiply-adds plus O(d³) for the eigenvalues, memory O(d² + d·blockRows). Exact up to that
 * round-off; `vendiScore` on a matrix held whole sums in Float64 throughout.
 */
export class StreamingVendi {
  private readonly matrix: Float64Array;
  private readonly transposed: Float32Array;
  private filled = 0;
  private rows = 0;
  private readonly tile = new Float64Array(TILE * TILE);
  private readonly blocks;

  constructor(
    readonly dims: number,
    private readonly blockRows = 1024,
  ) {
    this.matrix = new Float64Array(dims * dims);
    this.transposed = new Float32Array(dims * blockRows);
    this.blocks = createDotBlocks({
      left: this.transposed,
      leftRows: dims,
      dims: blockRows,
      maxBlockRows: TILE,
      maxBlockColumns: TILE,
    });
  }

  /** Adds `count` rows of `data` (row-major, `dims` wide). */
  add(data: Float32Array, count: number): void {
    const { dims, blockRows, transposed } = this;
    // Transposed 8 rows at a time, so each column's writes fill consecutive floats.
    for (let row = 0; row < count; ) {
      const group = Math.min(8, count - row, blockRows - this.filled);
      for (let k = 0; k < dims; k++) {
        const target = k * blockRows + this.filled;
        for (let r = 0; r < group; r++) transposed[target + r] = data[(row + r) * dims + k]!;
      }
      row += group;
      this.filled += group;
      if (this.filled === blockRows) this.flush();
    }
    this.rows += count;
  }

  private flush(): void {
    const { dims, blockRows, transposed, matrix, tile } = this;
    if (this.filled === 0) return;
    if (this.filled < blockRows)
      for (let k = 0; k < dims; k++) transposed.fill(0, k * blockRows + this.filled, (k + 1) * blockRows);
    this.blocks.setRight(transposed, dims);
    for (let iStart = 0; iStart < dims; iStart += TILE) {
      const iCount = Math.min(TILE, dims - iStart);
      for (let jStart = iStart; jStart < dims; jStart += TILE) {
        const jCount = Math.min(TILE, dims - jStart);
        this.blocks.compute(iStart, iCount, jStart, jCount, tile);
        for (let i = 0; i < iCount; i++) {
          const target = (iStart + i) * dims + jStart;
          for (let j = 0; j < jCount; j++) matrix[target + j] = matrix[target + j]! + tile[i * jCount + j]!;
        }
      }
    }
    this.filled = 0;
  }

  /** The score of every row added; NaN when none were. */
  score(order = 1): number {
    this.flush();
    if (this.rows === 0) return Number.NaN;
    return vendiFromDual(this.matrix, this.dims, order);
  }
}
