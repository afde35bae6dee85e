import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { accumulateDots } from './_dot-kernel.js';

describe('accumulateDots', () => {
  it('adds every dot product of two blocks, and the upper triangle of a block with itself', () => {
    const random = createRandom('dots');
    const len = 7;
    const data = Float64Array.from({ length: 40 * len }, () => random() - 0.5);
    const expected = (i: number, j: number) => {
      let sum = 0;
      for (let k = 0; k < len; k++) sum += data[i * len + k]! * data[j * len + k]!;
      return sum;
    };
    // Every remainder of the 4 × 2 tiles, from offset rows; out starts at 1 to show it accumulates.
    for (const [aStart, aRows, bStart, bRows] of [
      [0, 1, 0, 1],
      [3, 5, 11, 3],
      [2, 8, 20, 9],
      [1, 11, 5, 6],
    ] as const) {
      const out = new Float64Array(aRows * bRows).fill(1);
      accumulateDots(data, aStart, aRows, data, bStart, bRows, len, out);
      for (let i = 0; i < aRows; i++)
        for (let j = 0; j < bRows; j++)
          expect(out[i * bRows + j]).toBeCloseTo(1 + expected(aStart + i, bStart + j), 14);
    }
    for (const [start, rows] of [
      [0, 1],
      [4, 7],
      [9, 13],
    ] as const) {
      const out = new Float64Array(rows * rows);
      accumulateDots(data, start, rows, data, start, rows, len, out, true);
      for (let i = 0; i < rows; i++)
        for (let j = i; j < rows; j++)
          expect(out[i * rows + j]).toBeCloseTo(expected(start + i, start + j), 14);
    }
  });
});
