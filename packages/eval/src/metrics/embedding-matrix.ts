import { ConfigError } from '@treesynth/core';

/**
 * An (n, d) matrix of embeddings, row-major: row i is `data.subarray(i * dims, (i + 1) * dims)`.
 * The diversity metrics expect unit-length rows (see `normalizeRows`).
 */
export interface EmbeddingMatrix {
  data: Float32Array;
  rows: number;
  dims: number;
}

/** Wrap row-major data as a matrix, checking that its length is rows × dims. */
export function createEmbeddingMatrix(data: Float32Array, rows: number, dims: number): EmbeddingMatrix {
  if (!Number.isInteger(rows) || !Number.isInteger(dims) || rows < 0 || dims < 0) {
    throw new ConfigError({ path: 'embeddings', message: `invalid shape (${rows}, ${dims})` });
  }
  if (data.length !== rows * dims) {
    throw new ConfigError({
      path: 'embeddings',
      message: `data has ${data.length} values, expected ${rows} × ${dims} = ${rows * dims}`,
    });
  }
  return { data, rows, dims };
}

/** Stack vectors (one per sample, all the same length) into a matrix. */
export function embeddingMatrixFromRows(vectors: readonly ArrayLike<number>[]): EmbeddingMatrix {
  const rows = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  const data = new Float32Array(rows * dims);
  vectors.forEach((vector, row) => {
    if (vector.length !== dims) {
      throw new ConfigError({
        path: `embeddings[${row}]`,
        message: `has ${vector.length} dimensions, expected ${dims}`,
      });
    }
    data.set(vector, row * dims);
  });
  return { data, rows, dims };
}

/**
 * A copy of the matrix with every row scaled to unit Euclidean length (norms computed in Float64).
 * All-zero rows stay zero.
 */
export function normalizeRows(matrix: EmbeddingMatrix): EmbeddingMatrix {
  const { data, rows, dims } = matrix;
  const out = new Float32Array(data);
  normalizeRowsInPlace(out, rows, dims);
  return { data: out, rows, dims };
}

/** `normalizeRows` without the copy: the first `rows` rows of `data` scaled in place. */
export function normalizeRowsInPlace(data: Float32Array, rows: number, dims: number): void {
  for (let row = 0; row < rows; row++) {
    const start = row * dims;
    let squared = 0;
    for (let k = start; k < start + dims; k++) squared += data[k]! * data[k]!;
    if (squared === 0) continue;
    const scale = 1 / Math.sqrt(squared);
    for (let k = start; k < start + dims; k++) data[k] = data[k]! * scale;
  }
}

/** The rows at `indices`, in that order, as a new matrix. */
export function selectRows(matrix: EmbeddingMatrix, indices: readonly number[]): EmbeddingMatrix {
  const { data, dims, rows } = matrix;
  const out = new Float32Array(indices.length * dims);
  indices.forEach((row, i) => {
    if (!Number.isInteger(row) || row < 0 || row >= rows)
      throw new RangeError(`selectRows: row ${row} is outside the matrix's ${rows} rows`);
    out.set(data.subarray(row * dims, (row + 1) * dims), i * dims);
  });
  return { data: out, rows: indices.length, dims };
}
