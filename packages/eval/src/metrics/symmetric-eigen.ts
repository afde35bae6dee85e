export interface SymmetricEigenOptions {
  /** Also return the eigenvectors (about 5× the work of the values alone); default false. */
  vectors?: boolean;
}

export interface SymmetricEigenResult {
  /** Eigenvalues, descending. */
  values: Float64Array;
  /**
   * With `vectors`: the matching unit eigenvectors as the columns of a row-major size × size matrix,
   * each signed so that its largest-magnitude entry is positive (as scikit-learn's `svd_flip`, which
   * makes results reproducible).
   */
  vectors?: Float64Array;
}

/**
 * Eigen-decomposition of a real symmetric matrix (row-major, `size` × `size`, Float64): Householder
 * reduction to tridiagonal form (Numerical Recipes' tred2, keeping the full square block updated so
 * every inner loop reads a row contiguously), then QL with implicit shifts (JAMA's tql2, public
 * domain). Without `vectors` the transformations are never accumulated: ≈ (4/3)·size³ flops for the
 * reduction plus O(size²) for QL, about a second at size 1024; with them, ≈ 5× that.
 *
 * Accuracy is that of a backward-stable method: each eigenvalue within a small multiple of machine
 * epsilon × ‖A‖. An off-diagonal entry is treated as zero once it is below epsilon × ‖T‖ (the norm of
 * the whole tridiagonal matrix, not of its neighbouring diagonal entries), so clusters of (near-)zero
 * or equal eigenvalues, as in the rank-one kernel of a collapsed dataset, converge like any other.
 * The matrix is first scaled by a power of two so that its largest entry is near 1, which keeps
 * tiny (1e-300) and huge (1e300) matrices as accurate as any other. The input is not modified; only
 * its lower triangle is read.
 */
export function symmetricEigen(
  matrix: Float64Array,
  size: number,
  options: SymmetricEigenOptions & { vectors: true },
): Required<SymmetricEigenResult>;
export function symmetricEigen(
  matrix: Float64Array,
  size: number,
  options?: SymmetricEigenOptions,
): SymmetricEigenResult;
export function symmetricEigen(
  matrix: Float64Array,
  size: number,
  options: SymmetricEigenOptions = {},
): SymmetricEigenResult {
  if (matrix.length !== size * size) {
    throw new RangeError(`matrix has ${matrix.length} values, expected ${size} × ${size}`);
  }
  // Scaled by a power of two (exact) so the largest entry is near 1: QL's products of two
  // off-diagonal entries neither underflow (entries near 1e-200) nor overflow (near 1e300).
  let largest = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) largest = Math.max(largest, Math.abs(matrix[i * size + j]!));
  }
  const exponent =
    largest > 0 && largest < Number.POSITIVE_INFINITY ? Math.max(-1000, Math.round(Math.log2(largest))) : 0;
  const factor = 2 ** -exponent;
  const a = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      const value = matrix[i * size + j]! * factor;
      a[i * size + j] = value;
      a[j * size + i] = value;
    }
  }
  const diagonal = new Float64Array(size);
  const offDiagonal = new Float64Array(size);
  const reflections = options.vectors ? new Float64Array(size) : undefined;
  tridiagonalize(a, size, diagonal, offDiagonal, reflections);
  // The rows of `a` become the transposed accumulated transformation (columns of Q as rows).
  if (reflections) accumulateReflections(a, size, reflections);
  tridiagonalQl(diagonal, offDiagonal, reflections ? a : undefined);

  const order = Array.from({ length: size }, (_, index) => index).sort(
    (left, right) => diagonal[right]! - diagonal[left]! || left - right,
  );
  const unscale = 2 ** exponent;
  const values = Float64Array.from(order, (index) => diagonal[index]! * unscale);
  if (!reflections) return { values };
  const vectors = new Float64Array(size * size);
  for (let column = 0; column < size; column++) {
    const source = order[column]! * size;
    let largest = 0;
    for (let row = 0; row < size; row++) {
      const value = a[source + row]!;
      if (Math.abs(value) > Math.abs(largest)) largest = value;
    }
    const sign = largest < 0 ? -1 : 1;
    for (let row = 0; row < size; row++) vectors[row * size + column] = sign * a[source + row]!;
  }
  return { values, vectors };
}

/** Eigenvalues of a real symmetric matrix, ascending: `symmetricEigen` without vectors. */
export function symmetricEigenvalues(matrix: Float64Array, size: number): Float64Array {
  return symmetricEigen(matrix, size).values.reverse();
}

/**
 * Householder reduction of the symmetric `a` (full storage) to a tridiagonal matrix with the given
 * diagonal and sub-diagonal (offDiagonal[i] couples rows i − 1 and i; offDiagonal[0] = 0). With
 * `reflections`, step i's reflection I − u uᵀ / h is kept: u in row i of `a` (columns < i, which
 * later steps never touch) and h in reflections[i] (0 where the step was skipped).
 */
function tridiagonalize(
  a: Float64Array,
  size: number,
  diagonal: Float64Array,
  offDiagonal: Float64Array,
  reflections: Float64Array | undefined,
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
    if (reflections) {
      reflections[i] = h;
      for (let k = 0; k <= last; k++) a[row + k] = u[k]!;
    }
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
 * Overwrites `a` (as left by `tridiagonalize` with reflections) with Qᵀ, where A = Q T Qᵀ and
 * Q = P_{size−1} ⋯ P_1: Qᵀ = P_1 P_2 ⋯ P_{size−1}, built by right-multiplying the reflections in
 * that order. Before step i the product is nontrivial only in its leading i × i block, so each step
 * updates that block alone, row by row (≈ (4/3)·size³ flops in all).
 */
function accumulateReflections(a: Float64Array, size: number, reflections: Float64Array): void {
  for (let i = 0; i < size; i++) {
    const row = i * size;
    const h = reflections[i]!;
    if (h !== 0) {
      for (let r = 0; r < i; r++) {
        const rowR = r * size;
        let sum = 0;
        for (let k = 0; k < i; k++) sum += a[rowR + k]! * a[row + k]!;
        const scaled = sum / h;
        for (let k = 0; k < i; k++) a[rowR + k] = a[rowR + k]! - scaled * a[row + k]!;
      }
    }
    a.fill(0, row, row + size);
    for (let r = 0; r < i; r++) a[r * size + i] = 0;
    a[row + i] = 1;
  }
}

/**
 * Eigenvalues of the symmetric tridiagonal matrix (diagonal, offDiagonal as left by tridiagonalize),
 * in place in `diagonal`, by QL with implicit Wilkinson shifts; with `rotations`, every plane
 * rotation is also applied to its rows (so rows that held Qᵀ end up holding the eigenvectors).
 *
 * Deflation: e[m] counts as zero when |e[m]| ≤ ε·‖T‖, with ‖T‖ the largest row sum of |T| over the
 * whole matrix; a test relative to the neighbouring diagonal entries alone (|d[m]| + |d[m+1]|) is
 * never met inside a cluster of eigenvalues at zero, which is what made the rank-one kernel of a
 * collapsed dataset fail. Each QL sweep at least halves the deflation gap in practice (cubic
 * convergence); the cap of 30 sweeps per eigenvalue, 30·size in all, is LAPACK's.
 */
function tridiagonalQl(diagonal: Float64Array, offDiagonal: Float64Array, rotations?: Float64Array): void {
  const size = diagonal.length;
  const d = diagonal;
  const e = offDiagonal;
  for (let i = 1; i < size; i++) e[i - 1] = e[i]!;
  if (size > 0) e[size - 1] = 0;
  let norm = 0;
  for (let i = 0; i < size; i++) {
    norm = Math.max(norm, Math.abs(d[i]!) + Math.abs(e[i]!) + (i > 0 ? Math.abs(e[i - 1]!) : 0));
  }
  const tolerance = Number.EPSILON * norm;
  const maxSweeps = 30 * Math.max(1, size);
  let sweeps = 0;
  let shift = 0;
  for (let l = 0; l < size; l++) {
    for (;;) {
      let m = l;
      while (m < size - 1 && Math.abs(e[m]!) > tolerance) m++;
      if (m === l) break;
      if (++sweeps > maxSweeps) {
        throw new Error(`symmetricEigen: QL did not converge in ${maxSweeps} sweeps (size ${size})`);
      }
      // Wilkinson shift from the leading 2 × 2 block; with equal diagonal entries p = 0 and r = 1.
      let g = d[l]!;
      let p = (d[l + 1]! - g) / (2 * e[l]!);
      let r = Math.hypot(p, 1);
      if (p < 0) r = -r;
      d[l] = e[l]! / (p + r);
      d[l + 1] = e[l]! * (p + r);
      const dl1 = d[l + 1]!;
      let h = g - d[l]!;
      for (let i = l + 2; i < size; i++) d[i] = d[i]! - h;
      shift += h;
      p = d[m]!;
      let c = 1;
      let c2 = c;
      let c3 = c;
      const el1 = e[l + 1]!;
      let s = 0;
      let s2 = 0;
      for (let i = m - 1; i >= l; i--) {
        c3 = c2;
        c2 = c;
        s2 = s;
        g = c * e[i]!;
        h = c * p;
        r = Math.hypot(p, e[i]!);
        e[i + 1] = s * r;
        s = e[i]! / r;
        c = p / r;
        p = c * d[i]! - s * g;
        d[i + 1] = h + s * (c * g + s * d[i]!);
        if (rotations) {
          const next = (i + 1) * size;
          const current = i * size;
          for (let k = 0; k < size; k++) {
            const value = rotations[next + k]!;
            rotations[next + k] = s * rotations[current + k]! + c * value;
            rotations[current + k] = c * rotations[current + k]! - s * value;
          }
        }
      }
      p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
      e[l] = s * p;
      d[l] = c * p;
    }
    d[l] = d[l]! + shift;
    e[l] = 0;
  }
}

/**
 * The source text of `symmetricEigenvalues` and every function it calls (all self-contained), for a
 * worker thread that runs it from source (`_vendi-worker.ts`); the entry point's declared name is
 * `entry`.
 */
export function symmetricEigenvaluesSource(): { source: string; entry: string } {
  const functions = [
    symmetricEigenvalues,
    symmetricEigen,
    tridiagonalize,
    accumulateReflections,
    tridiagonalQl,
  ];
  const source = functions.map((item) => item.toString()).join('\n');
  const entry = /^function\s*([\w$]+)\s*\(/.exec(symmetricEigenvalues.toString())?.[1];
  if (!entry) throw new Error('symmetricEigenvaluesSource: cannot read the function name');
  return { source, entry };
}
