import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { symmetricEigen, symmetricEigenvalues } from './symmetric-eigen.js';

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

describe('symmetricEigen with vectors', () => {
  it('decomposes a symmetric matrix: A·v = λ·v, orthonormal, descending', () => {
    const random = createRandom(9);
    const n = 40;
    const matrix = new Float64Array(n * n);
    for (let a = 0; a < n; a++)
      for (let b = a; b < n; b++) {
        const value = random() - 0.5;
        matrix[a * n + b] = value;
        matrix[b * n + a] = value;
      }
    const { values, vectors } = symmetricEigen(matrix, n, { vectors: true });
    for (let c = 1; c < n; c++) expect(values[c]!).toBeLessThanOrEqual(values[c - 1]!);
    for (let c = 0; c < n; c++) {
      for (let row = 0; row < n; row++) {
        let product = 0;
        for (let inner = 0; inner < n; inner++) product += matrix[row * n + inner]! * vectors[inner * n + c]!;
        expect(product).toBeCloseTo(values[c]! * vectors[row * n + c]!, 10);
      }
      for (let other = 0; other <= c; other++) {
        let dot = 0;
        for (let row = 0; row < n; row++) dot += vectors[row * n + c]! * vectors[row * n + other]!;
        expect(dot).toBeCloseTo(other === c ? 1 : 0, 10);
      }
    }
  });
});

/** Eigenvalues by cyclic Jacobi rotations (an independent method), ascending; for small matrices. */
function jacobiEigenvalues(matrix: Float64Array, size: number): number[] {
  const a = Float64Array.from(matrix);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < size; p++) for (let q = p + 1; q < size; q++) off += a[p * size + q]! ** 2;
    if (off === 0 || off < 1e-40 * frobeniusSquared(a)) break;
    for (let p = 0; p < size; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q]!;
        if (apq === 0) continue;
        const theta = (a[q * size + q]! - a[p * size + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.hypot(theta, 1));
        const c = 1 / Math.hypot(t, 1);
        const s = t * c;
        for (let k = 0; k < size; k++) {
          const akp = a[k * size + p]!;
          const akq = a[k * size + q]!;
          a[k * size + p] = c * akp - s * akq;
          a[k * size + q] = s * akp + c * akq;
        }
        for (let k = 0; k < size; k++) {
          const apk = a[p * size + k]!;
          const aqk = a[q * size + k]!;
          a[p * size + k] = c * apk - s * aqk;
          a[q * size + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Array.from({ length: size }, (_, i) => a[i * size + i]!).sort((x, y) => x - y);
}

function frobeniusSquared(matrix: Float64Array): number {
  let sum = 0;
  for (const value of matrix) sum += value * value;
  return sum;
}

function randomSymmetric(size: number, seed: number, scale = 1): Float64Array {
  const random = createRandom(seed);
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      const value = (random() - 0.5) * scale;
      matrix[i * size + j] = value;
      matrix[j * size + i] = value;
    }
  }
  return matrix;
}

/** v vᵀ for a seeded v (or all ones), scaled: eigenvalues ‖v‖²·scale once and 0 (size − 1 times). */
function rankOne(size: number, seed: number | 'ones', scale = 1): { matrix: Float64Array; top: number } {
  const random = createRandom(seed === 'ones' ? 0 : seed);
  const v = Array.from({ length: size }, () => (seed === 'ones' ? 1 : random() - 0.5));
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) for (let j = 0; j < size; j++) matrix[i * size + j] = v[i]! * v[j]! * scale;
  return { matrix, top: v.reduce((sum, value) => sum + value * value, 0) * scale };
}

/** ‖A v − λ v‖ and |vᵢ·vⱼ − δᵢⱼ| for every pair, relative to ‖A‖_F (1 for the zero matrix). */
function decompositionErrors(matrix: Float64Array, size: number) {
  const { values, vectors } = symmetricEigen(matrix, size, { vectors: true });
  const norm = Math.sqrt(frobeniusSquared(matrix)) || 1;
  let residual = 0;
  let orthogonality = 0;
  for (let c = 0; c < size; c++) {
    for (let row = 0; row < size; row++) {
      let product = 0;
      for (let inner = 0; inner < size; inner++)
        product += matrix[row * size + inner]! * vectors[inner * size + c]!;
      residual = Math.max(residual, Math.abs(product - values[c]! * vectors[row * size + c]!) / norm);
    }
    for (let other = 0; other <= c; other++) {
      let dot = 0;
      for (let row = 0; row < size; row++) dot += vectors[row * size + c]! * vectors[row * size + other]!;
      orthogonality = Math.max(orthogonality, Math.abs(dot - (other === c ? 1 : 0)));
    }
  }
  for (let c = 1; c < size; c++) expect(values[c]!).toBeLessThanOrEqual(values[c - 1]!);
  return { values, residual, orthogonality };
}

describe('symmetricEigen on degenerate and badly scaled matrices', () => {
  it('agrees with a Jacobi eigenvalue method on random and near-rank-one matrices (both modes)', () => {
    for (let size = 1; size <= 12; size++) {
      const random = randomSymmetric(size, size);
      const { matrix: ones } = rankOne(size, 'ones');
      const nearOne = rankOne(size, size + 100).matrix.map((value, index) => value + 1e-10 * random[index]!);
      for (const matrix of [random, ones, nearOne]) {
        const expected = jacobiEigenvalues(matrix, size);
        const values = symmetricEigenvalues(matrix, size);
        const withVectors = symmetricEigen(matrix, size, { vectors: true }).values.slice().reverse();
        const norm = Math.sqrt(frobeniusSquared(matrix));
        expected.forEach((value, k) => {
          expect(Math.abs(values[k]! - value)).toBeLessThan(1e-13 * norm);
          expect(Math.abs(withVectors[k]! - value)).toBeLessThan(1e-13 * norm);
        });
      }
    }
  });

  it('solves rank-one matrices of every size from 2 to 64 and up to 600 (the kernel of a collapsed dataset)', () => {
    const sizes = [...Array.from({ length: 63 }, (_, index) => index + 2), 100, 128, 255, 256, 600];
    for (const size of sizes) {
      for (const seed of ['ones', size] as const) {
        const { matrix, top } = rankOne(size, seed);
        const values = symmetricEigenvalues(matrix, size);
        expect(Math.abs(values[size - 1]! - top)).toBeLessThan(1e-13 * top * Math.sqrt(size));
        for (let k = 0; k < size - 1; k++)
          expect(Math.abs(values[k]!)).toBeLessThan(1e-13 * top * Math.sqrt(size));
        // Trace and Frobenius norm are kept: Σλ = tr A, Σλ² = ‖A‖²_F.
        const sum = values.reduce((total, value) => total + value, 0);
        const squares = values.reduce((total, value) => total + value * value, 0);
        expect(sum / top).toBeCloseTo(1, 12);
        expect(squares / frobeniusSquared(matrix)).toBeCloseTo(1, 12);
      }
    }
  });

  it('decomposes rank-one matrices with vectors: the top vector is v / ‖v‖ and the rest span its complement', () => {
    for (const size of [2, 3, 17, 60, 200]) {
      const { matrix, top } = rankOne(size, 'ones');
      const { values, residual, orthogonality } = decompositionErrors(matrix, size);
      expect(values[0]).toBeCloseTo(top, 10);
      expect(residual).toBeLessThan(1e-13 * Math.sqrt(size));
      expect(orthogonality).toBeLessThan(1e-13 * Math.sqrt(size));
      const { vectors } = symmetricEigen(matrix, size, { vectors: true });
      for (let row = 0; row < size; row++) expect(vectors[row * size]).toBeCloseTo(1 / Math.sqrt(size), 12);
    }
  });

  it('returns zeros with orthonormal vectors for the zero matrix, and ones for the identity', () => {
    for (const size of [1, 2, 5, 60]) {
      const zero = new Float64Array(size * size);
      expect(Array.from(symmetricEigenvalues(zero, size))).toEqual(new Array(size).fill(0));
      const zeroVectors = decompositionErrors(zero, size);
      expect(zeroVectors.orthogonality).toBe(0);
      const identity = new Float64Array(size * size);
      for (let i = 0; i < size; i++) identity[i * size + i] = 1;
      expect(Array.from(symmetricEigenvalues(identity, size))).toEqual(new Array(size).fill(1));
      const identityVectors = decompositionErrors(identity, size);
      expect(Array.from(identityVectors.values)).toEqual(new Array(size).fill(1));
      expect(identityVectors.residual).toBe(0);
      expect(identityVectors.orthogonality).toBe(0);
    }
  });

  it('separates repeated eigenvalues into orthonormal vectors after a dense rotation', () => {
    const size = 30;
    const base = new Float64Array(size * size);
    for (let i = 0; i < size; i++) base[i * size + i] = i % 3 === 0 ? 5 : i % 3 === 1 ? -2 : 0;
    // Q D Qᵀ with Q from the vectors of a random matrix: dense, the spectrum is 5, −2, 0 ten times each.
    const { vectors: q } = symmetricEigen(randomSymmetric(size, 7), size, { vectors: true });
    const matrix = new Float64Array(size * size);
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) {
        let sum = 0;
        for (let k = 0; k < size; k++) sum += q[i * size + k]! * base[k * size + k]! * q[j * size + k]!;
        matrix[i * size + j] = sum;
      }
    const expected = Array.from({ length: size }, (_, i) => base[i * size + i]!).sort((x, y) => x - y);
    const values = symmetricEigenvalues(matrix, size);
    expected.forEach((value, k) => {
      expect(values[k]).toBeCloseTo(value, 12);
    });
    const { residual, orthogonality } = decompositionErrors(matrix, size);
    expect(residual).toBeLessThan(1e-13);
    expect(orthogonality).toBeLessThan(1e-13);
  });

  it('scales: eigenvalues of s·A are s times those of A for tiny and huge s, in both modes', () => {
    const size = 40;
    const matrix = randomSymmetric(size, 11);
    const reference = symmetricEigenvalues(matrix, size);
    const largest = Math.max(...Array.from(reference, Math.abs));
    for (const scale of [1e-300, 1e-150, 1e-20, 1e20, 1e150, 1e300]) {
      const scaled = matrix.map((value) => value * scale);
      const values = symmetricEigenvalues(scaled, size);
      const withVectors = symmetricEigen(scaled, size, { vectors: true });
      for (let k = 0; k < size; k++) {
        expect(Math.abs(values[k]! / scale - reference[k]!)).toBeLessThan(1e-12 * largest);
        expect(Math.abs(withVectors.values[size - 1 - k]! / scale - reference[k]!)).toBeLessThan(
          1e-12 * largest,
        );
      }
      const rankOneScaled = rankOne(size, 'ones', scale);
      const top = symmetricEigenvalues(rankOneScaled.matrix, size)[size - 1]!;
      expect(top / rankOneScaled.top).toBeCloseTo(1, 12);
    }
  });
});
