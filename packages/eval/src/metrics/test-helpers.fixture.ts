import { createRandom } from '@treesynth/core/internal';
import { type EmbeddingMatrix, normalizeRows } from './embedding-matrix.js';

/** Random unit rows from a seeded Gaussian-ish generator (sum of uniforms), for tests. */
export function randomUnitRows(
  rows: number,
  dims: number,
  seed: number | string,
  offset = 0,
): EmbeddingMatrix {
  const random = createRandom(seed);
  const data = new Float32Array(rows * dims);
  for (let i = 0; i < data.length; i++) data[i] = random() + random() + random() - 1.5 + offset;
  return normalizeRows({ data, rows, dims });
}

/** Σ_{i<j} x_i·x_j and the pair count, by brute force in Float64. */
export function bruteForcePairs(
  embeddings: EmbeddingMatrix,
  include: (i: number, j: number) => boolean = () => true,
): { sum: number; pairs: number } {
  const { data, rows, dims } = embeddings;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = i + 1; j < rows; j++) {
      if (!include(i, j)) continue;
      let dot = 0;
      for (let k = 0; k < dims; k++) dot += data[i * dims + k]! * data[j * dims + k]!;
      sum += dot;
      pairs++;
    }
  }
  return { sum, pairs };
}

/** Rows that are the first `count` standard basis vectors of R^dims, each repeated `copies` times. */
export function basisClusters(count: number, copies: number, dims: number): EmbeddingMatrix {
  const data = new Float32Array(count * copies * dims);
  for (let cluster = 0; cluster < count; cluster++) {
    for (let copy = 0; copy < copies; copy++) data[(cluster * copies + copy) * dims + cluster] = 1;
  }
  return { data, rows: count * copies, dims };
}
