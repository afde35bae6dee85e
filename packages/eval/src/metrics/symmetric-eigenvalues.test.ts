import { describe, expect, it } from 'vitest';
import { symmetricEigenvalues } from './symmetric-eigenvalues.js';

/** H A H with the Householder reflection H = I − 2vvᵀ/vᵀv: same eigenvalues, dense. */
function conjugate(matrix: Float64Array, size: number): Float64Array {
  const v = Array.from({ length: size }, (_, i) => Math.sin(i + 1) + 0.3);
  const vv = v.reduce((sum, x) => sum + x * x, 0);
  const reflection = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv;
  const product = (left: (i: number, j: number) => number, right: (i: number, j: number) => number) => {
    const out = new Float64Array(size * size);
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++) {
        let sum = 0;
        for (let k = 0; k < size; k++) sum += left(i, k) * right(k, j);
        out[i * size + j] = sum;
      }
    }
    return out;
  };
  const half = product(reflection, (i, j) => matrix[i * size + j]!);
  return product((i, j) => half[i * size + j]!, reflection);
}

describe('symmetricEigenvalues', () => {
  it('finds the known spectrum of the (−1, 2, −1) matrix after a dense similarity transform', () => {
    for (const size of [1, 2, 7, 60]) {
      const matrix = new Float64Array(size * size);
      for (let i = 0; i < size; i++) {
        matrix[i * size + i] = 2;
        if (i > 0) {
          matrix[i * size + i - 1] = -1;
          matrix[(i - 1) * size + i] = -1;
        }
      }
      const expected = Array.from(
        { length: size },
        (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (size + 1)),
      );
      const eigenvalues = symmetricEigenvalues(conjugate(matrix, size), size);
      expected.forEach((value, k) => {
        expect(eigenvalues[k]).toBeCloseTo(value, 12);
      });
    }
  });

  it('keeps repeated eigenvalues and zero matrices', () => {
    const size = 6;
    const matrix = new Float64Array(size * size);
    [3, 3, 3, -1, 0, 0].forEach((value, i) => {
      matrix[i * size + i] = value;
    });
    const eigenvalues = Array.from(symmetricEigenvalues(conjugate(matrix, size), size));
    [-1, 0, 0, 3, 3, 3].forEach((value, k) => {
      expect(eigenvalues[k]).toBeCloseTo(value, 12);
    });
    expect(Array.from(symmetricEigenvalues(new Float64Array(9), 3))).toEqual([0, 0, 0]);
    expect(symmetricEigenvalues(new Float64Array(0), 0).length).toBe(0);
  });

  it('keeps trace and Frobenius norm on a random matrix, and does not modify its input', () => {
    const size = 40;
    const matrix = new Float64Array(size * size);
    let seed = 1;
    const random = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647 - 0.5;
    };
    for (let i = 0; i < size; i++) {
      for (let j = 0; j <= i; j++) {
        const value = random();
        matrix[i * size + j] = value;
        matrix[j * size + i] = value;
      }
    }
    const copy = matrix.slice();
    const eigenvalues = symmetricEigenvalues(matrix, size);
    let trace = 0;
    let frobenius = 0;
    for (let i = 0; i < size; i++) trace += matrix[i * size + i]!;
    for (const value of matrix) frobenius += value * value;
    expect(eigenvalues.reduce((sum, value) => sum + value, 0)).toBeCloseTo(trace, 12);
    expect(eigenvalues.reduce((sum, value) => sum + value * value, 0)).toBeCloseTo(frobenius, 11);
    expect(matrix).toEqual(copy);
  });
});
