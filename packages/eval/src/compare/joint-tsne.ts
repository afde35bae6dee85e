import type { EmbeddingMatrix } from '../metrics/embedding-matrix.js';
import { tsne } from '../tsne/index.js';
import { type CompareProgress, seconds } from './compare-progress.js';
import { sampleIndices } from './load-dataset.js';

export interface JointMap {
  /** Per dataset, the rows drawn onto the map, in increasing order. */
  picks: number[][];
  /** Coordinates of every picked row, dataset after dataset. */
  x: Float32Array;
  y: Float32Array;
  kl: number;
}

/** Up to `maxPoints` shared evenly; a dataset smaller than its share gives the rest to the others. */
function shareOut(sizes: readonly number[], maxPoints: number): number[] {
  const shares = sizes.map(() => 0);
  let left = maxPoints;
  let open = sizes.map((_size, index) => index).filter((index) => sizes[index]! > 0);
  while (left > 0 && open.length > 0) {
    const share = Math.max(1, Math.floor(left / open.length));
    for (const index of open) {
      const take = Math.min(share, sizes[index]! - shares[index]!, left);
      shares[index]! += take;
      left -= take;
    }
    open = open.filter((index) => shares[index]! < sizes[index]!);
  }
  return shares;
}

/**
 * A joint t-SNE of seeded subsets of the datasets (up to `maxPoints` rows in all), embedded together
 * so the datasets share one map. Undefined when fewer than 5 rows would be drawn.
 */
export async function jointTsne(
  embeddings: readonly (EmbeddingMatrix | undefined)[],
  options: {
    maxPoints: number;
    seed: number;
    signal?: AbortSignal | undefined;
    onProgress?: ((event: CompareProgress) => void) | undefined;
  },
): Promise<JointMap | undefined> {
  const { seed, onProgress } = options;
  const sizes = embeddings.map((matrix) => matrix?.rows ?? 0);
  const shares = shareOut(sizes, options.maxPoints);
  const picks = sizes.map((size, index) =>
    sampleIndices(size, shares[index]!, `report-tsne:${seed}:${index}`),
  );
  const rows = picks.reduce((sum, pick) => sum + pick.length, 0);
  const dims = embeddings.find((matrix) => matrix)?.dims;
  if (rows < 5 || dims === undefined) return undefined;
  const data = new Float32Array(rows * dims);
  let offset = 0;
  embeddings.forEach((matrix, index) => {
    for (const row of picks[index]!) {
      data.set(matrix!.data.subarray(row * dims, (row + 1) * dims), offset);
      offset += dims;
    }
  });
  const started = performance.now();
  const result = await tsne(data, {
    rows,
    dims,
    seed,
    ...(options.signal ? { signal: options.signal } : {}),
    onProgress: (progress) => {
      if (progress.phase === 'optimize')
        onProgress?.({
          kind: 'tsne-iteration',
          iteration: progress.iteration,
          iterations: progress.iterations,
          message: `t-SNE: iteration ${progress.iteration}/${progress.iterations}`,
        });
    },
  });
  const milliseconds = performance.now() - started;
  onProgress?.({
    kind: 'tsne-done',
    points: rows,
    kl: result.kl,
    milliseconds,
    message: `t-SNE of ${rows} points in ${seconds(milliseconds)} (KL ${result.kl.toFixed(3)})`,
  });
  const x = new Float32Array(rows);
  const y = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    x[row] = result.embedding[2 * row]!;
    y[row] = result.embedding[2 * row + 1]!;
  }
  return { picks, x, y, kl: result.kl };
}
