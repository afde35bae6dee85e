import { ConfigError } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import {
  createEmbeddingMatrix,
  embeddingMatrixFromRows,
  normalizeRows,
  selectRows,
} from './embedding-matrix.js';

describe('embedding matrix', () => {
  it('scales rows to unit length and leaves zero rows at zero', () => {
    const matrix = normalizeRows(
      embeddingMatrixFromRows([
        [3, 4],
        [0, 0],
        [0, -2],
      ]),
    );
    expect(Array.from(matrix.data)).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 0, 0, -1]);
  });

  it('rejects data of the wrong length and ragged rows', () => {
    expect(() => createEmbeddingMatrix(new Float32Array(5), 2, 3)).toThrow(ConfigError);
    expect(() => embeddingMatrixFromRows([[1, 2], [1]])).toThrow(/embeddings\[1\]/);
  });

  it('selects rows in the order asked', () => {
    const matrix = embeddingMatrixFromRows([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(Array.from(selectRows(matrix, [2, 0]).data)).toEqual([5, 6, 1, 2]);
    expect(() => selectRows(matrix, [0, 3])).toThrow(/row 3 is outside the matrix's 3 rows/);
  });
});
