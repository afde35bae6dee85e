import { availableParallelism } from 'node:os';
import { symmetricEigen } from '../metrics/symmetric-eigen.js';
import { sharedFloat64 } from './shared-arrays.js';
import { createKernelPool, type KernelPool } from './worker-pool.js';

export interface PrincipalComponentsResult {
  /** Row-major rows×components: the centred data in the principal axes, largest variance first. */
  projected: Float64Array;
  components: number;
  /** Variance along each kept axis (eigenvalues of the covariance, divided by rows − 1). */
  variances: Float64Array;
}

/** Above this many dimensions the top axes come from subspace iteration instead of a full eigensolve. */
const FULL_EIGEN_MAX_DIMS = 1024;

/**
 * Exact PCA: the dims×dims covariance (in parallel, Float64), its eigenvectors, and the projection
 * onto the first `components` of them. Axes are signed so their largest entry is positive, which
 * makes the result reproducible. Cost O(rows·dims² + dims³); for dims > 1024 the top axes come from
 * block subspace iteration on the covariance instead of a full eigensolve.
 */
export async function computePrincipalComponents(
  pool: KernelPool,
  data: Float32Array | Float64Array,
  rows: number,
  dims: number,
  components: number,
): Promise<PrincipalComponentsResult> {
  const m = Math.max(1, Math.min(components, dims, Math.max(1, rows)));
  const mean = new Float64Array(dims);
  for (let row = 0; row < rows; row++) {
    const offset = row * dims;
    for (let dim = 0; dim < dims; dim++) mean[dim] = mean[dim]! + data[offset + dim]!;
  }
  for (let dim = 0; dim < dims; dim++) mean[dim] = mean[dim]! / rows;
  // Centred and transposed, in blocks of rows so that writes stay in cache.
  const columns = new Float64Array(rows * dims);
  const rowBlock = 64;
  for (let first = 0; first < rows; first += rowBlock) {
    const last = Math.min(rows, first + rowBlock);
    for (let dim = 0; dim < dims; dim++) {
      const column = dim * rows;
      const centre = mean[dim]!;
      for (let row = first; row < last; row++) columns[column + row] = data[row * dims + dim]! - centre;
    }
  }
  const covariance = sharedFloat64(dims * dims);
  pool.share('columns', columns);
  await pool.run('covariance', { rows, dims, covariance, chunk: 4 });
  const scale = 1 / Math.max(1, rows - 1);
  for (let a = 0; a < dims; a++) {
    for (let b = a; b < dims; b++) {
      const value = covariance[a * dims + b]! * scale;
      covariance[a * dims + b] = value;
      covariance[b * dims + a] = value;
    }
  }
  const { values, vectors } =
    dims <= FULL_EIGEN_MAX_DIMS
      ? symmetricEigen(covariance, dims, { vectors: true })
      : topEigenvectors(covariance, dims, m);
  const vectorColumns = dims <= FULL_EIGEN_MAX_DIMS ? dims : m;
  // The axes as rows (components×dims), for dot products along contiguous memory.
  const axes = new Float64Array(m * dims);
  for (let a = 0; a < dims; a++)
    for (let c = 0; c < m; c++) axes[c * dims + a] = vectors[a * vectorColumns + c]!;
  const projected = sharedFloat64(rows * m);
  await pool.run('project', {
    rows,
    dims,
    axes,
    componentCount: m,
    projected,
    chunk: 64,
  });
  pool.share('columns', undefined);
  return { projected, components: m, variances: values.slice(0, m) };
}

/**
 * Top `count` eigenpairs of a symmetric positive semi-definite dims×dims matrix by block subspace
 * iteration with Rayleigh–Ritz (a block of count + 16 vectors, a fixed number of sweeps, so the
 * result is deterministic). Vectors come back as the columns of a row-major dims×count matrix.
 */
function topEigenvectors(
  matrix: Float64Array,
  dims: number,
  count: number,
): { values: Float64Array; vectors: Float64Array } {
  const block = Math.min(dims, count + 16);
  // Deterministic start: a fixed pseudo-random block.
  let state = 0x9e3779b9;
  const next = () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return state / 4294967296 - 0.5;
  };
  let basis = new Float64Array(dims * block);
  for (let index = 0; index < basis.length; index++) basis[index] = next();
  orthonormalizeColumns(basis, dims, block);
  const product = new Float64Array(dims * block);
  const multiply = (input: Float64Array) => {
    product.fill(0);
    for (let row = 0; row < dims; row++) {
      const out = row * block;
      for (let inner = 0; inner < dims; inner++) {
        const value = matrix[row * dims + inner]!;
        const source = inner * block;
        for (let c = 0; c < block; c++) product[out + c] = product[out + c]! + value * input[source + c]!;
      }
    }
  };
  for (let sweep = 0; sweep < 40; sweep++) {
    multiply(basis);
    basis = Float64Array.from(product);
    orthonormalizeColumns(basis, dims, block);
  }
  // Rayleigh–Ritz: eigenvectors of Bᵀ·A·B rotate the basis onto the eigenvectors.
  multiply(basis);
  const small = new Float64Array(block * block);
  for (let a = 0; a < block; a++) {
    for (let b = 0; b < block; b++) {
      let sum = 0;
      for (let row = 0; row < dims; row++) sum += basis[row * block + a]! * product[row * block + b]!;
      small[a * block + b] = sum;
    }
  }
  for (let a = 0; a < block; a++) {
    for (let b = a + 1; b < block; b++) {
      const value = (small[a * block + b]! + small[b * block + a]!) / 2;
      small[a * block + b] = value;
      small[b * block + a] = value;
    }
  }
  const ritz = symmetricEigen(small, block, { vectors: true });
  const vectors = new Float64Array(dims * count);
  for (let row = 0; row < dims; row++) {
    for (let c = 0; c < count; c++) {
      let sum = 0;
      for (let inner = 0; inner < block; inner++)
        sum += basis[row * block + inner]! * ritz.vectors[inner * block + c]!;
      vectors[row * count + c] = sum;
    }
  }
  for (let c = 0; c < count; c++) {
    let largest = 0;
    for (let row = 0; row < dims; row++) {
      const value = vectors[row * count + c]!;
      if (Math.abs(value) > Math.abs(largest)) largest = value;
    }
    if (largest < 0)
      for (let row = 0; row < dims; row++) vectors[row * count + c] = -vectors[row * count + c]!;
  }
  return { values: ritz.values.slice(0, count), vectors };
}

/** Modified Gram–Schmidt on the columns of a row-major rows×columns matrix, in place. */
function orthonormalizeColumns(matrix: Float64Array, rows: number, columns: number): void {
  for (let c = 0; c < columns; c++) {
    for (let previous = 0; previous < c; previous++) {
      let dot = 0;
      for (let row = 0; row < rows; row++)
        dot += matrix[row * columns + c]! * matrix[row * columns + previous]!;
      for (let row = 0; row < rows; row++)
        matrix[row * columns + c] = matrix[row * columns + c]! - dot * matrix[row * columns + previous]!;
    }
    let norm = 0;
    for (let row = 0; row < rows; row++) norm += matrix[row * columns + c]! ** 2;
    norm = Math.sqrt(norm);
    // A column that vanished (rank-deficient input) becomes a unit axis, re-orthogonalised next sweep.
    if (norm < 1e-300) {
      for (let row = 0; row < rows; row++) matrix[row * columns + c] = row === c % rows ? 1 : 0;
      continue;
    }
    for (let row = 0; row < rows; row++) matrix[row * columns + c] = matrix[row * columns + c]! / norm;
  }
}

export interface PrincipalComponentsOptions {
  rows: number;
  dims: number;
  /** Axes to keep (default 50, at most dims). */
  components?: number;
  /** Threads, the calling one included (default: the available cores). */
  workers?: number;
}

/**
 * PCA of a row-major rows×dims matrix, as `tsne` does before everything else: use it to hand another
 * tool exactly the input our t-SNE sees. Returns Float64 rows×components.
 */
export async function principalComponents(
  data: Float32Array | Float64Array,
  options: PrincipalComponentsOptions,
): Promise<PrincipalComponentsResult> {
  const { rows, dims } = options;
  if (data.length !== rows * dims)
    throw new RangeError('principalComponents: data.length must be rows × dims');
  const pool = createKernelPool(Math.max(1, options.workers ?? availableParallelism()));
  try {
    return await computePrincipalComponents(pool, data, rows, dims, options.components ?? 50);
  } finally {
    await pool.close();
  }
}
