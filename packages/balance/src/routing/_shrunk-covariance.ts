import { dot } from './_vectors.js';

/**
 * Rows the covariance is estimated from at most: beyond it, an evenly spaced subset (the estimate's
 * error is already small; the Ledoit–Wolf intensity costs rows² dot products).
 */
export const COVARIANCE_ROWS = 2048;

/** Conjugate-gradient iterations per solve at most, and the relative residual they stop at. */
const SOLVE_ITERATIONS = 100;
const SOLVE_TOLERANCE = 1e-6;

/** A shrunk covariance Σ* = (1 − ρ)·XᵀX/n + ρ·μ·I of rows X, and how to solve Σ* w = v. */
export interface ShrunkCovariance {
  /** ρ, the Ledoit–Wolf shrinkage intensity in [0, 1]. */
  shrinkage: number;
  /** μ = tr(XᵀX/n)/d. */
  scale: number;
  /** w with Σ* w = v (conjugate gradients; Σ* is symmetric positive definite when μ > 0). */
  solve(vector: Float32Array): Float32Array;
  /** Σ* v / μ. */
  apply(vector: Float32Array): Float32Array;
}

/**
 * The Ledoit–Wolf (2004) shrunk second-moment matrix of `rows` (already centred by the caller), the
 * intensity ρ estimated from the rows themselves by their formula (as scikit-learn's `ledoit_wolf`):
 * nothing to set. Σ* is never formed: products Σ* v cost two passes over the rows.
 */
export function shrunkCovariance(rows: readonly Float32Array[]): ShrunkCovariance {
  const picked =
    rows.length <= COVARIANCE_ROWS
      ? rows
      : Array.from({ length: COVARIANCE_ROWS }, (_, index) => rows[Math.floor((index * rows.length) / COVARIANCE_ROWS)]!);
  const count = picked.length;
  const dimensions = picked[0]?.length ?? 0;
  const squaredNorms = picked.map((row) => dot(row, row));
  const trace = squaredNorms.reduce((total, value) => total + value, 0) / Math.max(count, 1);
  const scale = dimensions > 0 ? trace / dimensions : 0;
  // ‖XᵀX‖²_F = Σ_ij ⟨x_i, x_j⟩², and Σ_i ‖x_i‖⁴.
  let gram = 0;
  for (let i = 0; i < count; i++) {
    gram += squaredNorms[i]! ** 2;
    for (let j = i + 1; j < count; j++) gram += 2 * dot(picked[i]!, picked[j]!) ** 2;
  }
  const fourth = squaredNorms.reduce((total, value) => total + value * value, 0);
  const frobenius = gram / (count * count); // ‖S‖²_F, S = XᵀX/n
  const beta = (fourth / count - frobenius) / (dimensions * count);
  const delta = (frobenius - 2 * scale * trace + dimensions * scale * scale) / dimensions;
  const shrinkage = delta > 0 ? Math.min(Math.max(beta, 0), delta) / delta : 1;

  const multiply = (vector: Float32Array): Float64Array => {
    const out = new Float64Array(dimensions);
    for (const row of picked) {
      const projection = dot(row, vector) * ((1 - shrinkage) / count);
      for (let dim = 0; dim < dimensions; dim++) out[dim]! += projection * row[dim]!;
    }
    for (let dim = 0; dim < dimensions; dim++) out[dim]! += shrinkage * scale * vector[dim]!;
    return out;
  };
  const solve = (vector: Float32Array): Float32Array => {
    const solution = new Float32Array(dimensions);
    if (!(scale > 0)) return solution;
    const residual = Float32Array.from(vector);
    const direction = Float32Array.from(vector);
    let residualSquared = dot(residual, residual);
    const stop = SOLVE_TOLERANCE * SOLVE_TOLERANCE * residualSquared;
    for (let iteration = 0; iteration < SOLVE_ITERATIONS && residualSquared > stop; iteration++) {
      const product = multiply(direction);
      let curvature = 0;
      for (let dim = 0; dim < dimensions; dim++) curvature += direction[dim]! * product[dim]!;
      if (!(curvature > 0)) break;
      const step = residualSquared / curvature;
      for (let dim = 0; dim < dimensions; dim++) {
        solution[dim]! += step * direction[dim]!;
        residual[dim]! -= step * product[dim]!;
      }
      const next = dot(residual, residual);
      const ratio = next / residualSquared;
      for (let dim = 0; dim < dimensions; dim++) direction[dim] = residual[dim]! + ratio * direction[dim]!;
      residualSquared = next;
    }
    return solution;
  };
  const apply = (vector: Float32Array) => Float32Array.from(multiply(vector), (value) => value / (scale || 1));
  return { shrinkage, scale, solve, apply };
}
