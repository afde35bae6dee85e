import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { symmetricEigen } from '../metrics/symmetric-eigen.js';
import { principalComponents } from './principal-components.js';

describe('principalComponents', () => {
  /** Data with variances 25, 9, 1 along three orthogonal (rotated) axes, plus tiny noise. */
  function rotatedData(rows: number, dims: number) {
    const random = createRandom(4);
    const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const axes = [0, 1, 2].map((axis) =>
      Array.from({ length: dims }, (_, dim) => Math.cos((axis + 1) * (dim + 0.5) * (Math.PI / dims))),
    );
    for (const axis of axes) {
      const norm = Math.hypot(...axis);
      axis.forEach((value, index) => {
        axis[index] = value / norm;
      });
    }
    const data = new Float64Array(rows * dims);
    const spreads = [5, 3, 1];
    for (let row = 0; row < rows; row++) {
      const scores = spreads.map((spread) => spread * gaussian());
      for (let dim = 0; dim < dims; dim++) {
        let value = 7 + 0.001 * gaussian();
        for (let axis = 0; axis < 3; axis++) value += scores[axis]! * axes[axis]![dim]!;
        data[row * dims + dim] = value;
      }
    }
    return { data, axes };
  }

  it('recovers the variances of the main axes and projects onto them', async () => {
    const rows = 3000;
    const dims = 30;
    const { data } = rotatedData(rows, dims);
    const result = await principalComponents(data, { rows, dims, components: 5, workers: 2 });
    expect(result.components).toBe(5);
    expect(result.variances[0]!).toBeCloseTo(25, -0.3);
    expect(result.variances[1]!).toBeCloseTo(9, -0.3);
    expect(result.variances[2]!).toBeCloseTo(1, 1);
    expect(result.variances[3]!).toBeLessThan(1e-4);
    // Projected columns have those variances and are uncorrelated.
    for (let a = 0; a < 3; a++) {
      let variance = 0;
      let covariance = 0;
      for (let row = 0; row < rows; row++) {
        variance += result.projected[row * 5 + a]! ** 2;
        covariance += result.projected[row * 5 + a]! * result.projected[row * 5 + ((a + 1) % 3)]!;
      }
      expect(variance / (rows - 1)).toBeCloseTo(result.variances[a]!, 8);
      expect(Math.abs(covariance / (rows - 1))).toBeLessThan(1e-8);
    }
  });

  it('finds the same axes by subspace iteration above 1024 dimensions', async () => {
    const rows = 120;
    const dims = 1030;
    const { data } = rotatedData(rows, dims);
    const result = await principalComponents(data, { rows, dims, components: 3, workers: 2 });
    // Reference: eigenvectors of the rows×rows Gram matrix of the centred data are the projections.
    const mean = new Float64Array(dims);
    for (let row = 0; row < rows; row++)
      for (let dim = 0; dim < dims; dim++) mean[dim]! += data[row * dims + dim]! / rows;
    const gram = new Float64Array(rows * rows);
    for (let a = 0; a < rows; a++)
      for (let b = 0; b < rows; b++) {
        let sum = 0;
        for (let dim = 0; dim < dims; dim++)
          sum += (data[a * dims + dim]! - mean[dim]!) * (data[b * dims + dim]! - mean[dim]!);
        gram[a * rows + b] = sum;
      }
    const reference = symmetricEigen(gram, rows, { vectors: true });
    for (let c = 0; c < 3; c++) {
      expect(result.variances[c]! / (reference.values[c]! / (rows - 1))).toBeCloseTo(1, 8);
      let dot = 0;
      let norm = 0;
      for (let row = 0; row < rows; row++) {
        dot += result.projected[row * 3 + c]! * reference.vectors[row * rows + c]!;
        norm += result.projected[row * 3 + c]! ** 2;
      }
      expect(Math.abs(dot) / Math.sqrt(norm)).toBeCloseTo(1, 8);
    }
  });
});
