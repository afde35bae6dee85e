import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AbortedError } from '@treesynth/core';
import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { tsne } from './tsne.js';

/** `clusters` Gaussian blobs of `size` points in `dims` dimensions, centres 12σ apart on average. */
function gaussianClusters(clusters: number, size: number, dims: number, seed: number) {
  const random = createRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dims }, () => 3 * gaussian()));
  const rows = clusters * size;
  const data = new Float32Array(rows * dims);
  const labels = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    labels[row] = row % clusters;
    for (let dim = 0; dim < dims; dim++) data[row * dims + dim] = centres[row % clusters]![dim]! + gaussian();
  }
  return { data, labels, rows, dims };
}

/** Indices of the k nearest rows (squared Euclidean) of every row, O(n²). */
function neighbourLists(points: ArrayLike<number>, rows: number, dims: number, k: number): Int32Array[] {
  return Array.from({ length: rows }, (_, row) => {
    const distances = Array.from({ length: rows }, (_, other) => {
      let sum = 0;
      for (let dim = 0; dim < dims; dim++)
        sum += (points[row * dims + dim]! - points[other * dims + dim]!) ** 2;
      return { other, sum };
    });
    distances.sort((a, b) => a.sum - b.sum || a.other - b.other);
    return Int32Array.from(
      distances
        .filter(({ other }) => other !== row)
        .slice(0, k)
        .map(({ other }) => other),
    );
  });
}

/** Trustworthiness (Venna & Kaski): 1 means no 2-D neighbour is far away in the input. */
function trustworthiness(data: Float32Array, embedding: Float32Array, rows: number, dims: number, k: number) {
  const orders = neighbourLists(data, rows, dims, rows - 1);
  const ranks = orders.map((order) => {
    const rank = new Int32Array(rows);
    order.forEach((other, index) => {
      rank[other] = index + 1;
    });
    return rank;
  });
  const embedded = neighbourLists(embedding, rows, 2, k);
  let penalty = 0;
  for (let row = 0; row < rows; row++)
    for (const other of embedded[row]!) penalty += Math.max(0, ranks[row]![other]! - k);
  return 1 - (2 / (rows * k * (2 * rows - 3 * k - 1))) * penalty;
}

describe('tsne', () => {
  const blobs = gaussianClusters(6, 50, 20, 11);

  it('separates well-separated Gaussian clusters', async () => {
    const result = await tsne(blobs.data, { rows: blobs.rows, dims: blobs.dims, seed: 1, workers: 2 });
    expect(result.embedding).toHaveLength(2 * blobs.rows);
    expect(result.neighbourMethod).toBe('exact');
    // Purity of the 10 nearest neighbours in 2-D.
    const lists = neighbourLists(result.embedding, blobs.rows, 2, 10);
    let same = 0;
    lists.forEach((list, row) => {
      for (const other of list) if (blobs.labels[other] === blobs.labels[row]) same++;
    });
    expect(same / (blobs.rows * 10)).toBeGreaterThan(0.98);
    expect(trustworthiness(blobs.data, result.embedding, blobs.rows, blobs.dims, 10)).toBeGreaterThan(0.9);
    // Clusters end up far apart compared with their own size.
    expect(result.kl).toBeGreaterThan(0);
    expect(result.kl).toBeLessThan(1.5);
  }, 30_000);

  it('is reproducible for a seed, whatever the thread count', async () => {
    const options = {
      rows: blobs.rows,
      dims: blobs.dims,
      iterations: 150,
      exaggerationIterations: 100,
      seed: 5,
    };
    const first = await tsne(blobs.data, { ...options, workers: 1 });
    const second = await tsne(blobs.data, { ...options, workers: 3 });
    expect(second.threads).toBe(3);
    expect(Array.from(second.embedding)).toEqual(Array.from(first.embedding));
    expect(second.kl).toBe(first.kl);
    // A random start depends on the seed.
    const randomA = await tsne(blobs.data, { ...options, init: 'random', seed: 1, workers: 1 });
    const randomB = await tsne(blobs.data, { ...options, init: 'random', seed: 2, workers: 1 });
    expect(Array.from(randomA.embedding)).not.toEqual(Array.from(randomB.embedding));
  }, 30_000);

  it('decreases KL once the exaggeration ends, and reports the KL of the final embedding', async () => {
    const reports: { iteration: number; kl: number }[] = [];
    const result = await tsne(blobs.data, {
      rows: blobs.rows,
      dims: blobs.dims,
      iterations: 600,
      workers: 1,
      onProgress: (progress) => {
        if (progress.kl !== undefined) reports.push({ iteration: progress.iteration, kl: progress.kl });
      },
    });
    expect(reports.map((report) => report.iteration)).toEqual([
      50, 100, 150, 200, 250, 300, 350, 400, 450, 500, 550, 600,
    ]);
    const late = reports.filter((report) => report.iteration >= 300).map((report) => report.kl);
    for (let index = 1; index < late.length; index++)
      expect(late[index]!).toBeLessThanOrEqual(late[index - 1]! + 1e-3);
    expect(late.at(-1)!).toBeLessThan(reports[0]!.kl - 0.5);
    expect(Math.abs(result.kl - late.at(-1)!)).toBeLessThan(0.01);
  }, 30_000);

  it('lowers a perplexity too large for the data, with a warning', async () => {
    const small = gaussianClusters(2, 10, 5, 3);
    const result = await tsne(small.data, {
      rows: small.rows,
      dims: small.dims,
      perplexity: 30,
      iterations: 50,
    });
    expect(result.perplexity).toBeCloseTo((small.rows - 1) / 3);
    expect(result.neighbours).toBe(small.rows - 1);
    expect(result.warnings).toHaveLength(1);
  });

  it('rejects malformed input', async () => {
    await expect(tsne(new Float32Array(10), { rows: 4, dims: 3 })).rejects.toThrow(RangeError);
    await expect(
      tsne(new Float32Array([1, 2, 3, 4, 5, 6, 7, Number.NaN]), { rows: 4, dims: 2 }),
    ).rejects.toThrow(/not finite/);
  });

  it('stops on abort with AbortedError', async () => {
    const controller = new AbortController();
    const run = tsne(blobs.data, {
      rows: blobs.rows,
      dims: blobs.dims,
      workers: 2,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.iteration >= 100) controller.abort(new Error('enough'));
      },
    });
    const error = await run.catch((caught: unknown) => caught);
    expect(AbortedError.isInstance(error)).toBe(true);
  });

  it('closes its workers, so the process exits, after success and after abort', () => {
    const module = fileURLToPath(new URL('./tsne.ts', import.meta.url));
    const script = `
      import { tsne } from ${JSON.stringify(module)};
      const rows = 200, dims = 8;
      const data = new Float32Array(rows * dims).map((_, index) => Math.sin(index * 12.9898) * 43758.5453 % 1);
      const result = await tsne(data, { rows, dims, iterations: 60, workers: 3 });
      const controller = new AbortController();
      await tsne(data, { rows, dims, workers: 3, signal: controller.signal,
        onProgress: (progress) => { if (progress.phase === 'neighbours') controller.abort(); } }).catch(() => {});
      console.log('threads', result.threads);
    `;
    const child = spawnSync(
      process.execPath,
      ['--conditions=@treesynth/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', timeout: 25_000 },
    );
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('threads 3');
    expect(child.status).toBe(0);
  }, 30_000);
});
