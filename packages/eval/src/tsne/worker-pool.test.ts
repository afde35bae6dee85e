import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sharedFloat64, sharedInt32 } from './shared-arrays.js';
import { createKernelPool } from './worker-pool.js';

/** Handles that keep a process alive: a worker shows up as its message ports. */
const ports = () => process.getActiveResourcesInfo().filter((resource) => resource === 'MessagePort').length;

/** A gradient evaluation on a ring of points, returning as soon as all chunks are done. */
async function runGradient(pool: ReturnType<typeof createKernelPool>, rows: number) {
  const positions = sharedFloat64(2 * rows);
  for (let row = 0; row < rows; row++) {
    positions[2 * row] = Math.cos(row) * (1 + (row % 7));
    positions[2 * row + 1] = Math.sin(row) * (1 + (row % 7));
  }
  const rowStarts = Int32Array.from({ length: rows + 1 }, (_, row) => row);
  const columns = Int32Array.from({ length: rows }, (_, row) => (row + 1) % rows);
  pool.share('affinities', { rowStarts, columns, values: new Float64Array(rows).fill(1 / rows) });
  const chunk = 2;
  const rowChunk = 16;
  await pool.run(
    'gradient',
    {
      rows,
      positions,
      theta: 0.5,
      leafSize: 8,
      groupSize: 32,
      chunk,
      rowChunk,
      withKl: 0,
      repulsion: sharedFloat64(2 * rows),
      attraction: sharedFloat64(2 * rows),
      zSums: sharedFloat64(rows),
      klSums: sharedFloat64(rows),
      sharedTree: {
        nodeValues: sharedFloat64(4 * (2 * rows + 1)),
        nodeLinks: sharedInt32(4 * (2 * rows + 1)),
        order: sharedInt32(rows),
        orderX: sharedFloat64(rows),
        orderY: sharedFloat64(rows),
        groupBounds: sharedInt32(rows + 1),
        info: sharedInt32(3),
      },
    },
    {
      completedChunks: (state) => Math.ceil(state.tree!.groupCount / chunk) + Math.ceil(rows / rowChunk),
    },
  );
}

describe('createKernelPool', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // Terminating a worker while V8 compiles for it on a background thread aborts the process, so
  // `close` must let every worker finish and exit by itself, whatever state it is in.
  it('closes workers that are starting or still busy without terminating them', async () => {
    const terminate = vi.spyOn(Worker.prototype, 'terminate');
    const before = ports();
    // Closed while the workers still compile their script.
    const starting = createKernelPool(3);
    expect(ports()).toBeGreaterThan(before);
    await starting.close();
    // Closed right after a run that did not wait for late workers.
    const busy = createKernelPool(3);
    for (let run = 0; run < 3; run++) await runGradient(busy, 2000);
    await Promise.all([busy.close(), busy.close()]);
    expect(terminate).not.toHaveBeenCalled();
    expect(ports()).toBe(before);
    await expect(
      busy.run('sortRows', {
        rows: 0,
        k: 1,
        indices: sharedInt32(1),
        distances: sharedFloat64(1),
        recompute: 0,
        chunk: 1,
      }),
    ).rejects.toThrow(/closed/);
  });

  it('reports a kernel that fails in a worker, and still closes', async () => {
    const pool = createKernelPool(2);
    try {
      // No `state.points` has been shared, so the kernel throws on every thread.
      await expect(
        pool.run('exactKnn', { k: 1, indices: sharedInt32(1), distances: sharedFloat64(1), chunk: 1 }),
      ).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });
});
