import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import {
  buildSpaceTree,
  createSpaceTree,
  type GradientArgs,
  gradientKernel,
  type KernelState,
} from './kernels.js';
import { sharedFloat64 } from './shared-arrays.js';
import { createKernelPool } from './worker-pool.js';

/** Positions of clustered and scattered points, and a random sparse symmetric P. */
function fixture(rows: number, seed: number) {
  const random = createRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const positions = sharedFloat64(2 * rows);
  for (let row = 0; row < rows; row++) {
    const cluster = row % 5;
    const spread = cluster === 4 ? 20 : 1;
    positions[2 * row] = cluster * 8 + spread * gaussian();
    positions[2 * row + 1] = (cluster % 2) * 6 + spread * gaussian();
  }
  // Each row links to 6 random others; symmetrised, normalised to sum 1.
  const weights = new Map<number, number>();
  for (let row = 0; row < rows; row++) {
    for (let link = 0; link < 6; link++) {
      const other = Math.floor(random() * rows);
      if (other === row) continue;
      const weight = random();
      for (const key of [row * rows + other, other * rows + row])
        weights.set(key, (weights.get(key) ?? 0) + weight);
    }
  }
  const entries = [...weights.entries()].sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0);
  const rowStarts = new Int32Array(rows + 1);
  const columns = new Int32Array(entries.length);
  const values = new Float64Array(entries.length);
  entries.forEach(([key, weight], index) => {
    rowStarts[Math.floor(key / rows) + 1]!++;
    columns[index] = key % rows;
    values[index] = weight / total;
  });
  for (let row = 0; row < rows; row++) rowStarts[row + 1] = rowStarts[row + 1]! + rowStarts[row]!;
  return { positions, affinities: { rowStarts, columns, values } };
}

/** The O(n²) forces: repulsion Σ q̃²(yi − yj), attraction Σ p q̃ (yi − yj), Z = Σ q̃. */
function exactForces(
  positions: Float64Array,
  affinities: ReturnType<typeof fixture>['affinities'],
  rows: number,
) {
  const repulsion = new Float64Array(2 * rows);
  const attraction = new Float64Array(2 * rows);
  let z = 0;
  let klTerms = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      if (i === j) continue;
      const dx = positions[2 * i]! - positions[2 * j]!;
      const dy = positions[2 * i + 1]! - positions[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      z += q;
      repulsion[2 * i] = repulsion[2 * i]! + q * q * dx;
      repulsion[2 * i + 1] = repulsion[2 * i + 1]! + q * q * dy;
    }
    for (let entry = affinities.rowStarts[i]!; entry < affinities.rowStarts[i + 1]!; entry++) {
      const j = affinities.columns[entry]!;
      const dx = positions[2 * i]! - positions[2 * j]!;
      const dy = positions[2 * i + 1]! - positions[2 * j + 1]!;
      const q = 1 / (1 + dx * dx + dy * dy);
      klTerms += affinities.values[entry]! * Math.log1p(dx * dx + dy * dy);
      attraction[2 * i] = attraction[2 * i]! + affinities.values[entry]! * q * dx;
      attraction[2 * i + 1] = attraction[2 * i + 1]! + affinities.values[entry]! * q * dy;
    }
  }
  return { repulsion, attraction, z, klTerms };
}

function gradientArgs(
  rows: number,
  positions: Float64Array,
  theta: number,
  withKl = 1,
): Omit<GradientArgs, 'cursor'> {
  return {
    rows,
    positions,
    theta,
    leafSize: 8,
    groupSize: 16,
    sharedTree: {
      nodeValues: sharedFloat64(8 * rows + 4),
      nodeLinks: new Int32Array(new SharedArrayBuffer(4 * (8 * rows + 4))),
      order: new Int32Array(new SharedArrayBuffer(4 * rows)),
      orderX: sharedFloat64(rows),
      orderY: sharedFloat64(rows),
      groupBounds: new Int32Array(new SharedArrayBuffer(4 * (rows + 1))),
      info: new Int32Array(new SharedArrayBuffer(12)),
    },
    rowChunk: 32,
    repulsion: sharedFloat64(2 * rows),
    attraction: sharedFloat64(2 * rows),
    zSums: sharedFloat64(rows),
    klSums: sharedFloat64(rows),
    withKl,
    chunk: 4,
  };
}

function runGradient(
  rows: number,
  positions: Float64Array,
  affinities: KernelState['affinities'],
  theta: number,
  withKl = 1,
) {
  const args = gradientArgs(rows, positions, theta, withKl);
  const state: KernelState = { affinities, caller: true };
  gradientKernel({ ...args, cursor: new Int32Array(new SharedArrayBuffer(32)) }, state);
  let z = 0;
  for (let chunk = 0; chunk < Math.ceil(state.tree!.groupCount / args.chunk); chunk++)
    z += args.zSums[chunk]!;
  let klTerms = 0;
  for (let chunk = 0; chunk < Math.ceil(rows / args.rowChunk); chunk++) klTerms += args.klSums[chunk]!;
  return {
    repulsion: args.repulsion,
    attraction: args.attraction,
    z,
    klTerms,
    groups: state.tree!.groupCount,
  };
}

/** ‖a − b‖ / ‖b‖ over the whole gradient. */
function relativeError(a: Float64Array, b: Float64Array, scaleA = 1, scaleB = 1): number {
  let difference = 0;
  let norm = 0;
  for (let index = 0; index < a.length; index++) {
    difference += (a[index]! / scaleA - b[index]! / scaleB) ** 2;
    norm += (b[index]! / scaleB) ** 2;
  }
  return Math.sqrt(difference / norm);
}

describe('space tree', () => {
  it('is the same tree whatever order the points start in', () => {
    const rows = 500;
    const { positions } = fixture(rows, 8);
    const fresh = createSpaceTree(rows);
    fresh.positions.set(positions);
    buildSpaceTree(fresh, 0.5, 8, 32);
    // A tree first built over other positions starts from another order.
    const reused = createSpaceTree(rows);
    reused.positions.set(fixture(rows, 9).positions);
    buildSpaceTree(reused, 0.5, 8, 32);
    reused.positions.set(positions);
    buildSpaceTree(reused, 0.5, 8, 32);
    expect(Array.from(reused.order)).not.toEqual(Array.from({ length: rows }, (_, index) => index));
    expect(reused.nodeCount).toBe(fresh.nodeCount);
    expect(Array.from(reused.order)).toEqual(Array.from(fresh.order));
    expect(Array.from(reused.nodeValues.subarray(0, 4 * fresh.nodeCount))).toEqual(
      Array.from(fresh.nodeValues.subarray(0, 4 * fresh.nodeCount)),
    );
    expect(Array.from(reused.groupBounds.subarray(0, fresh.groupCount + 1))).toEqual(
      Array.from(fresh.groupBounds.subarray(0, fresh.groupCount + 1)),
    );
    // Groups partition the points into ranges of at most 32 (no coincident points here).
    for (let group = 0; group < fresh.groupCount; group++) {
      const size = fresh.groupBounds[group + 1]! - fresh.groupBounds[group]!;
      expect(size).toBeGreaterThan(0);
      expect(size).toBeLessThanOrEqual(32);
    }
  });
});

describe('Barnes–Hut gradient', () => {
  const rows = 600;
  const { positions, affinities } = fixture(rows, 3);
  const exact = exactForces(positions, affinities, rows);

  it('matches the exact O(n²) repulsion within a percent and Z within 0.5% at θ = 0.5', () => {
    const approximate = runGradient(rows, positions, affinities, 0.5);
    // Measured: Z off by about 0.2%, the repulsive gradient by about 0.5%.
    expect(Math.abs(approximate.z - exact.z) / exact.z).toBeLessThan(5e-3);
    // The repulsive term of the gradient is repulsion / Z.
    expect(relativeError(approximate.repulsion, exact.repulsion, approximate.z, exact.z)).toBeLessThan(1e-2);
    expect(relativeError(approximate.attraction, exact.attraction)).toBeLessThan(1e-12);
    // Σ pij ln(1 + dij²), for the KL, and the same attraction without it.
    expect(approximate.klTerms).toBeCloseTo(exact.klTerms, 12);
    const withoutKl = runGradient(rows, positions, affinities, 0.5, 0);
    expect(Array.from(withoutKl.attraction)).toEqual(Array.from(approximate.attraction));
    expect(Array.from(withoutKl.repulsion)).toEqual(Array.from(approximate.repulsion));
  });

  it('is exact at θ = 0 and coarser at θ = 1.2', () => {
    const zero = runGradient(rows, positions, affinities, 0);
    expect(Math.abs(zero.z - exact.z) / exact.z).toBeLessThan(1e-12);
    expect(relativeError(zero.repulsion, exact.repulsion)).toBeLessThan(1e-12);
    const coarse = runGradient(rows, positions, affinities, 1.2);
    const fine = runGradient(rows, positions, affinities, 0.5);
    expect(relativeError(coarse.repulsion, exact.repulsion, coarse.z, exact.z)).toBeGreaterThan(
      relativeError(fine.repulsion, exact.repulsion, fine.z, exact.z),
    );
  });

  it('handles coincident points', () => {
    const duplicated = sharedFloat64(2 * rows);
    for (let row = 0; row < rows; row++) {
      duplicated[2 * row] = row % 3 === 0 ? 1 : positions[2 * row]!;
      duplicated[2 * row + 1] = row % 3 === 0 ? 2 : positions[2 * row + 1]!;
    }
    const reference = exactForces(duplicated, affinities, rows);
    const approximate = runGradient(rows, duplicated, affinities, 0.5);
    expect(Math.abs(approximate.z - reference.z) / reference.z).toBeLessThan(5e-3);
    expect(
      relativeError(approximate.repulsion, reference.repulsion, approximate.z, reference.z),
    ).toBeLessThan(1e-2);
  });

  it('gives bit-identical results on one thread and on three', async () => {
    const single = runGradient(rows, positions, affinities, 0.5);
    const pool = createKernelPool(3);
    try {
      pool.share('affinities', affinities);
      // Returning once all chunks are counted (not waiting for late workers) must give the same
      // results every time, however the threads happen to be scheduled.
      for (const waitForAll of [true, ...Array.from({ length: 20 }, () => false)]) {
        const args = gradientArgs(rows, positions, 0.5);
        let groups = 0;
        await pool.run(
          'gradient',
          args,
          waitForAll
            ? {}
            : {
                completedChunks: (state) => {
                  groups = state.tree!.groupCount;
                  return Math.ceil(groups / args.chunk) + Math.ceil(rows / args.rowChunk);
                },
              },
        );
        if (waitForAll) groups = single.groups;
        expect(Array.from(args.repulsion)).toEqual(Array.from(single.repulsion));
        expect(Array.from(args.attraction)).toEqual(Array.from(single.attraction));
        let z = 0;
        for (let chunk = 0; chunk < Math.ceil(groups / args.chunk); chunk++) z += args.zSums[chunk]!;
        expect(z).toBe(single.z);
      }
    } finally {
      await pool.close();
    }
  });
});
