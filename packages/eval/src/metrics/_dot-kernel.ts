import { dotTile4x2 } from '../tsne/kernels.js';

/**
 * Dot products between the rows of two row-major Float64 blocks, accumulated:
 *
 *   out[i * bRows + j] += Σ_k a[(aStart + i) * len + k] · b[(bStart + j) * len + k]
 *
 * for i < aRows, j < bRows, by 4 × 2 tiles of the one tile kernel (`dotTile4x2`, which the t-SNE's
 * workers run too: eight sums at once so that each load serves several products). With `upper`,
 * a === b and aStart === bStart are required and only tiles on or above the diagonal are computed
 * (out covers at least the upper triangle; the caller mirrors it). Float32 data is copied into
 * Float64 blocks first (exact), so the tile kernel only ever sees Float64Arrays and stays monomorphic.
 */
export function accumulateDots(
  a: Float64Array,
  aStart: number,
  aRows: number,
  b: Float64Array,
  bStart: number,
  bRows: number,
  len: number,
  out: Float64Array,
  upper = false,
): void {
  const tile = new Float64Array(8);
  for (let i = 0; i < aRows; i += 4) {
    // A last tile with fewer than 4 rows (or 2 columns) repeats its last one; those sums are dropped.
    const quad = Math.min(4, aRows - i);
    const a0 = (aStart + i) * len;
    const a1 = quad > 1 ? a0 + len : a0;
    const a2 = quad > 2 ? a0 + 2 * len : a0;
    const a3 = quad > 3 ? a0 + 3 * len : a0;
    for (let j = upper ? i : 0; j < bRows; j += 2) {
      const pair = j + 1 < bRows;
      const b0 = (bStart + j) * len;
      dotTile4x2(a, a0, a1, a2, a3, b, b0, pair ? b0 + len : b0, len, tile);
      for (let q = 0; q < quad; q++) {
        const at = (i + q) * bRows + j;
        out[at] = out[at]! + tile[2 * q]!;
        if (pair) out[at + 1] = out[at + 1]! + tile[2 * q + 1]!;
      }
    }
  }
}

/** Σ_k a[aOffset + k] · b[bOffset + k], in Float64. */
export function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, len: number): number {
  let sum = 0;
  for (let k = 0; k < len; k++) sum += a[aOffset + k]! * b[bOffset + k]!;
  return sum;
}
