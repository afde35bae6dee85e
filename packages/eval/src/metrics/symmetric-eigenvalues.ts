/**
 * Eigenvalues of a real symmetric matrix (row-major, `size` × `size`, Float64), ascending.
 *
 * Householder reduction to tridiagonal form (the eigenvalue-only variant of Numerical Recipes' tred2,
 * keeping the full square block updated so every inner loop reads a row contiguously), then the QL
 * algorithm with implicit Wilkinson shifts (tqli). Cost ≈ (4/3)·size³ flops for the reduction plus
 * O(size²) for QL: about a second at size 1024. Accuracy is that of a backward-stable method: each
 * eigenvalue within a small multiple of machine epsilon × ‖A‖. The input is not modified; only its
 * lower triangle is read.
 */
export function symmetricEigenvalues(matrix: Float64Array, size: number): Float64Array {
  if (matrix.length !== size * size) {
    throw new RangeError(`matrix has ${matrix.length} values, expected ${size} × ${size}`);
  }
  const a = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      const value = matrix[i * size + j]!;
      a[i * size + j] = value;
      a[j * size + i] = value;
    }
  }
  const diagonal = new Float64Array(size);
  const offDiagonal = new Float64Array(size);
  tridiagonalize(a, size, diagonal, offDiagonal);
  tridiagonalQl(diagonal, offDiagonal);
  return diagonal.sort();
}

/**
 * Householder reduction of the symmetric `a` (full storage, destroyed) to a tridiagonal matrix with
 * the given diagonal and sub-diagonal (offDiagonal[i] couples rows i − 1 and i; offDiagonal[0] = 0).
 */
function tridiagonalize(
  a: Float64Array,
  size: number,
  diagonal: Float64Array,
  offDiagonal: Float64Array,
): void {
  const u = new Float64Array(size);
  const p = new Float64Array(size);
  for (let i = size - 1; i > 0; i--) {
    const last = i - 1;
    const row = i * size;
    let scale = 0;
    for (let k = 0; k <= last; k++) scale += Math.abs(a[row + k]!);
    if (last === 0 || scale === 0) {
      offDiagonal[i] = a[row + last]!;
      continue;
    }
    let h = 0;
    for (let k = 0; k <= last; k++) {
      const value = a[row + k]! / scale;
      u[k] = value;
      h += value * value;
    }
    const f = u[last]!;
    const g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
    offDiagonal[i] = scale * g;
    h -= f * g;
    u[last] = f - g;
    // p = A u / h over the leading block, then q = p − (uᵀp / 2h) u, and A ← A − u qᵀ − q uᵀ.
    let up = 0;
    for (let j = 0; j <= last; j++) {
      const rowJ = j * size;
      let sum = 0;
      for (let k = 0; k <= last; k++) sum += a[rowJ + k]! * u[k]!;
      const value = sum / h;
      p[j] = value;
      up += u[j]! * value;
    }
    const half = up / (h + h);
    for (let j = 0; j <= last; j++) p[j] = p[j]! - half * u[j]!;
    for (let j = 0; j <= last; j++) {
      const rowJ = j * size;
      const uj = u[j]!;
      const qj = p[j]!;
      for (let k = 0; k <= last; k++) a[rowJ + k] = a[rowJ + k]! - (uj * p[k]! + qj * u[k]!);
    }
  }
  offDiagonal[0] = 0;
  for (let i = 0; i < size; i++) diagonal[i] = a[i * size + i]!;
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix (diagonal, offDiagonal as left by tridiagonalize),
 * in place in `diagonal`, by QL with implicit shifts.
 */
function tridiagonalQl(diagonal: Float64Array, offDiagonal: Float64Array): void {
  const size = diagonal.length;
  const e = offDiagonal;
  for (let i = 1; i < size; i++) e[i - 1] = e[i]!;
  if (size > 0) e[size - 1] = 0;
  for (let l = 0; l < size; l++) {
    let iterations = 0;
    let m: number;
    do {
      for (m = l; m < size - 1; m++) {
        const scale = Math.abs(diagonal[m]!) + Math.abs(diagonal[m + 1]!);
        if (Math.abs(e[m]!) <= Number.EPSILON * scale) break;
      }
      if (m === l) break;
      if (iterations++ === 60) throw new Error('symmetricEigenvalues: QL did not converge');
      let g = (diagonal[l + 1]! - diagonal[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = diagonal[m]! - diagonal[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i: number;
      let underflow = false;
      for (i = m - 1; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          diagonal[i + 1] = diagonal[i + 1]! - p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = diagonal[i + 1]! - p;
        r = (diagonal[i]! - g) * s + 2 * c * b;
        p = s * r;
        diagonal[i + 1] = g + p;
        g = c * r - b;
      }
      if (underflow) continue;
      diagonal[l] = diagonal[l]! - p;
      e[l] = g;
      e[m] = 0;
    } while (m !== l);
  }
}
