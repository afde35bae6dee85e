import { describe, expect, it } from 'vitest';
import { createDotBlocks } from './_dot-blocks.js';
import { randomUnitRows } from './test-helpers.fixture.js';

function bruteForce(left: Float32Array, right: Float32Array, dims: number, i: number, j: number): number {
  let sum = 0;
  for (let k = 0; k < dims; k++) sum += left[i * dims + k]! * right[j * dims + k]!;
  return sum;
}

describe('createDotBlocks', () => {
  it('uses the SIMD kernel on Node and agrees with Float64 sums to float32 precision', () => {
    // 19 dims (padded to 20), odd block sizes: every remainder path of both kernels.
    const left = randomUnitRows(45, 19, 'left').data;
    const right = randomUnitRows(38, 19, 'right').data;
    const blocks = [false, true].map((float64) =>
      createDotBlocks({
        left,
        leftRows: 45,
        right,
        rightRows: 38,
        dims: 19,
        maxBlockRows: 16,
        maxBlockColumns: 16,
        float64,
      }),
    );
    expect(blocks.map((block) => block.simd)).toEqual([true, false]);
    for (const [block, tolerance] of [
      [blocks[0]!, 1e-6],
      [blocks[1]!, 1e-14],
    ] as const) {
      for (const [iStart, iCount, jStart, jCount] of [
        [0, 16, 0, 16],
        [29, 15, 23, 15],
        [44, 1, 37, 1],
        [3, 7, 5, 3],
      ] as const) {
        const out = new Float64Array(iCount * jCount).fill(Number.NaN);
        block.compute(iStart, iCount, jStart, jCount, out);
        for (let i = 0; i < iCount; i++) {
          for (let j = 0; j < jCount; j++) {
            const expected = bruteForce(left, right, 19, iStart + i, jStart + j);
            expect(Math.abs(out[i * jCount + j]! - expected)).toBeLessThan(tolerance);
          }
        }
      }
    }
  });

  it('shares one matrix as both sides and takes a new right matrix', () => {
    const data = randomUnitRows(12, 8, 'shared').data;
    const blocks = createDotBlocks({
      left: data,
      leftRows: 12,
      dims: 8,
      maxBlockRows: 12,
      maxBlockColumns: 12,
    });
    const out = new Float64Array(144);
    blocks.compute(0, 12, 0, 12, out);
    for (let i = 0; i < 12; i++) expect(out[i * 13]).toBeCloseTo(1, 6);
    const other = randomUnitRows(4, 8, 'other').data;
    const withRight = createDotBlocks({
      left: data,
      leftRows: 12,
      right: new Float32Array(32),
      rightRows: 4,
      dims: 8,
      maxBlockRows: 12,
      maxBlockColumns: 4,
    });
    withRight.setRight(other, 4);
    withRight.compute(0, 12, 0, 4, out);
    expect(out[2 * 4 + 3]).toBeCloseTo(bruteForce(data, other, 8, 2, 3), 6);
  });
});
