import { availableParallelism } from 'node:os';
import { AbortedError } from '@treesynth/core';
import { createRandom } from '@treesynth/core/internal';
import { type Affinities, calibrateAffinities, symmetrizeAffinities } from './affinities.js';
import { type NeighbourMethod, nearestNeighbours } from './nearest-neighbours.js';
import { computePrincipalComponents } from './principal-components.js';
import { sharedFloat64, sharedInt32 } from './shared-arrays.js';
import { createKernelPool, type KernelPool } from './worker-pool.js';

export interface TsneOptions {
  /** Number of points; `data` is row-major rows×dims. */
  rows: number;
  dims: number;
  /** Effective number of neighbours (default 30); lowered to (rows − 1) / 3 with a warning. */
  perplexity?: number;
  /** Gradient-descent iterations in all (default 1000). */
  iterations?: number;
  /** P is multiplied by this for the first `exaggerationIterations` (default 12 and 250). */
  earlyExaggeration?: number;
  exaggerationIterations?: number;
  /** Step size (default 'auto': max(rows / earlyExaggeration, 50)). */
  learningRate?: number | 'auto';
  /** Momentum during, then after, the early exaggeration (default 0.5, then 0.8). */
  momentum?: number;
  finalMomentum?: number;
  /** PCA to this many dimensions first (default 50; at most dims). */
  pcaDims?: number;
  /** 'pca' (default): the first two principal axes scaled to standard deviation 1e-4. */
  init?: 'pca' | 'random';
  /** Neighbours per point for P (default min(rows − 1, ⌊3·perplexity + 1⌋), as scikit-learn). */
  neighbours?: number;
  /** Exact kNN up to 20,000 rows, approximate above (default 'auto'). */
  neighbourMethod?: NeighbourMethod;
  /** Seeds the approximate neighbour search and random initialisation (default 0). */
  seed?: number;
  /** Barnes–Hut opening angle (default 0.5; 0 is exact and O(n²)). */
  theta?: number;
  /** Threads in all, the calling one included (default: the available cores, fewer for small inputs). */
  workers?: number;
  signal?: AbortSignal;
  onProgress?: (progress: TsneProgress) => void;
}

export interface TsneProgress {
  phase: 'pca' | 'neighbours' | 'affinities' | 'optimize';
  /** Iterations done, during 'optimize'. */
  iteration: number;
  iterations: number;
  /** KL(P‖Q) for the current embedding (unexaggerated P), every 50 iterations. */
  kl?: number;
  elapsedMs: number;
}

export interface TsneTimings {
  pcaMs: number;
  neighboursMs: number;
  affinitiesMs: number;
  optimizeMs: number;
  totalMs: number;
}

export interface TsneResult {
  /** rows×2, row-major. */
  embedding: Float32Array;
  /** KL(P‖Q) of the final embedding over the sparse P, with Q normalised by the Barnes–Hut sum. */
  kl: number;
  perplexity: number;
  neighbours: number;
  neighbourMethod: 'exact' | 'approximate';
  threads: number;
  timings: TsneTimings;
  /** Options that could not be honoured as given. */
  warnings: string[];
}

/** Iterations between KL reports to `onProgress`. */
const PROGRESS_EVERY = 50;

/**
 * t-SNE of a row-major rows×dims matrix into 2-D, following scikit-learn's Barnes–Hut t-SNE:
 * 1. PCA to `pcaDims` dimensions (exact, on the covariance);
 * 2. k = ⌊3·perplexity + 1⌋ nearest neighbours (exact up to 20,000 rows, else an approximate search);
 * 3. per point, a Gaussian bandwidth with entropy ln(perplexity) over its neighbours; P symmetrised;
 * 4. gradient descent from the PCA initialisation (first two axes scaled to std 1e-4, as
 *    scikit-learn's `init='pca'`) with early exaggeration, momentum, and delta-bar-delta gains
 *    (+0.2 / ×0.8, at least 0.01, reset when the exaggeration ends, as scikit-learn does);
 *    attraction over the sparse P, repulsion by Barnes–Hut on a quadtree.
 *
 * The gradient is taken without the constant factor 4 (as openTSNE does), so the default step
 * rows / 12 equals scikit-learn's 'auto' (max(rows / 12 / 4, 50) times its factor 4) from 2,400
 * rows up; below that scikit-learn's floor makes its step 200 where ours is max(rows / 12, 50).
 * No gradient clipping (scikit-learn has none either).
 *
 * Work is split across worker threads (the calling thread takes part). All of it is
 * deterministic, so the same input and seed give the same embedding bit for bit, whatever the
 * number of threads. The worker threads have exited before the promise settles, also on failure
 * or abort (they are asked to close and exit by themselves; see `KernelPool.close`); an abort is
 * noticed between phases and between iterations.
 */
export async function tsne(data: Float32Array | Float64Array, options: TsneOptions): Promise<TsneResult> {
  const started = performance.now();
  const { rows, dims, signal, onProgress } = options;
  if (!Number.isInteger(rows) || !Number.isInteger(dims) || rows < 4 || dims < 1)
    throw new RangeError('tsne: rows must be an integer >= 4 and dims an integer >= 1');
  if (data.length !== rows * dims)
    throw new RangeError(`tsne: data.length must be rows × dims (${rows * dims})`);
  for (let index = 0; index < data.length; index++)
    if (!Number.isFinite(data[index]!)) throw new RangeError(`tsne: data[${index}] is not finite`);
  const warnings: string[] = [];
  let perplexity = options.perplexity ?? 30;
  if (!(perplexity > 0)) throw new RangeError('tsne: perplexity must be positive');
  if (3 * perplexity > rows - 1) {
    const lowered = (rows - 1) / 3;
    warnings.push(`perplexity ${perplexity} is too large for ${rows} points; using ${lowered.toFixed(2)}`);
    perplexity = lowered;
  }
  const k = Math.min(rows - 1, Math.max(1, options.neighbours ?? Math.floor(3 * perplexity + 1)));
  const iterations = options.iterations ?? 1000;
  const earlyExaggeration = options.earlyExaggeration ?? 12;
  const exaggerationIterations = Math.min(iterations, options.exaggerationIterations ?? 250);
  const learningRate =
    options.learningRate === undefined || options.learningRate === 'auto'
      ? Math.max(rows / earlyExaggeration, 50)
      : options.learningRate;
  const momentum = options.momentum ?? 0.5;
  const finalMomentum = options.finalMomentum ?? 0.8;
  const theta = options.theta ?? 0.5;
  const seed = options.seed ?? 0;
  const pcaDims = Math.min(dims, options.pcaDims ?? 50);
  if (!(pcaDims >= 1)) throw new RangeError('tsne: pcaDims must be >= 1');
  if (!(learningRate > 0) || !(theta >= 0) || !(iterations >= 0))
    throw new RangeError('tsne: learningRate must be positive, theta and iterations non-negative');
  const threads = Math.max(
    1,
    Math.floor(options.workers ?? Math.min(availableParallelism(), Math.ceil(rows / 1000))),
  );

  const checkAbort = () => {
    if (signal?.aborted) throw new AbortedError(signal.reason);
  };
  const report = (progress: Omit<TsneProgress, 'elapsedMs' | 'iterations'>) =>
    onProgress?.({ ...progress, iterations, elapsedMs: performance.now() - started });
  checkAbort();

  const pool = createKernelPool(threads);
  try {
    report({ phase: 'pca', iteration: 0 });
    let mark = performance.now();
    const reduced = await computePrincipalComponents(pool, data, rows, dims, pcaDims);
    const pcaMs = performance.now() - mark;
    checkAbort();

    report({ phase: 'neighbours', iteration: 0 });
    mark = performance.now();
    const graph = await nearestNeighbours(pool, reduced.projected, rows, reduced.components, k, {
      method: options.neighbourMethod ?? 'auto',
      seed,
    });
    const neighboursMs = performance.now() - mark;
    checkAbort();

    report({ phase: 'affinities', iteration: 0 });
    mark = performance.now();
    const { conditional } = await calibrateAffinities(pool, graph, rows, perplexity);
    const affinities = symmetrizeAffinities(graph, conditional, rows);
    const affinitiesMs = performance.now() - mark;
    checkAbort();

    mark = performance.now();
    const positions = initialPositions(
      reduced.projected,
      rows,
      reduced.components,
      options.init ?? 'pca',
      seed,
    );
    const optimizer = createOptimizer(pool, affinities, positions, rows, theta);
    const update = new Float64Array(2 * rows);
    const gains = new Float64Array(2 * rows).fill(1);
    let lastYield = performance.now();
    for (let iteration = 0; iteration < iterations; iteration++) {
      checkAbort();
      if (iteration === exaggerationIterations) {
        // scikit-learn runs the two phases as two optimiser calls, each starting afresh.
        update.fill(0);
        gains.fill(1);
      }
      const exaggerating = iteration < exaggerationIterations;
      const exaggeration = exaggerating ? earlyExaggeration : 1;
      const currentMomentum = exaggerating ? momentum : finalMomentum;
      const withKl = onProgress !== undefined && (iteration + 1) % PROGRESS_EVERY === 0;
      const { z, kl } = await optimizer.evaluate(withKl);
      const { repulsion, attraction } = optimizer;
      const inverseZ = 1 / z;
      for (let index = 0; index < 2 * rows; index++) {
        const gradient = exaggeration * attraction[index]! - repulsion[index]! * inverseZ;
        const previous = update[index]!;
        let gain = gains[index]!;
        gain = previous * gradient < 0 ? gain + 0.2 : gain * 0.8;
        if (gain < 0.01) gain = 0.01;
        gains[index] = gain;
        const step = currentMomentum * previous - learningRate * gain * gradient;
        update[index] = step;
        positions[index] = positions[index]! + step;
      }
      if (withKl) report({ phase: 'optimize', iteration: iteration + 1, kl });
      // Let timers and abort events run now and then (a single thread never waits on a message).
      if (performance.now() - lastYield > 100) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    const { kl } = await optimizer.evaluate(true);
    const optimizeMs = performance.now() - mark;
    return {
      embedding: Float32Array.from(positions),
      kl,
      perplexity,
      neighbours: k,
      neighbourMethod: graph.method,
      threads: pool.threads,
      timings: { pcaMs, neighboursMs, affinitiesMs, optimizeMs, totalMs: performance.now() - started },
      warnings,
    };
  } finally {
    await pool.close();
  }
}

function initialPositions(
  projected: Float64Array,
  rows: number,
  components: number,
  init: 'pca' | 'random',
  seed: number,
): Float64Array {
  const positions = sharedFloat64(2 * rows);
  const random = createRandom(seed);
  const gaussian = () => {
    const u = 1 - random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  let spread = 0;
  if (init === 'pca') {
    let mean = 0;
    for (let row = 0; row < rows; row++) mean += projected[row * components]!;
    mean /= rows;
    for (let row = 0; row < rows; row++) spread += (projected[row * components]! - mean) ** 2;
    spread = Math.sqrt(spread / rows);
  }
  if (init === 'pca' && spread > 0) {
    const scale = 1e-4 / spread;
    for (let row = 0; row < rows; row++) {
      positions[2 * row] = projected[row * components]! * scale;
      positions[2 * row + 1] = components > 1 ? projected[row * components + 1]! * scale : 1e-4 * gaussian();
    }
  } else {
    for (let index = 0; index < 2 * rows; index++) positions[index] = 1e-4 * gaussian();
  }
  return positions;
}

interface Optimizer {
  repulsion: Float64Array;
  attraction: Float64Array;
  /** Forces at the current positions; `z` = Σ_{i≠j} 1/(1 + dij²), `kl` = KL(P‖Q) when asked (else NaN). */
  evaluate(withKl: boolean): Promise<{ z: number; kl: number }>;
}

/** Points per quadtree leaf, and the most points that share one walk of the tree. */
const LEAF_SIZE = 8;
const GROUP_SIZE = 32;

/**
 * Work per chunk of the gradient, in point groups (about 15 points each) and in rows of P: it
 * depends on rows only, not on the thread count, so neither do the sums.
 */
function gradientChunks(rows: number): { chunk: number; rowChunk: number } {
  return {
    chunk: Math.min(32, Math.max(2, Math.ceil(rows / 1500))),
    rowChunk: Math.max(16, Math.ceil(rows / 100)),
  };
}

function createOptimizer(
  pool: KernelPool,
  affinities: Affinities,
  positions: Float64Array,
  rows: number,
  theta: number,
): Optimizer {
  pool.share('affinities', {
    rowStarts: affinities.rowStarts,
    columns: affinities.columns,
    values: affinities.values,
  });
  const repulsion = sharedFloat64(2 * rows);
  const attraction = sharedFloat64(2 * rows);
  const { chunk, rowChunk } = gradientChunks(rows);
  // There are at most `rows` groups.
  const zSums = sharedFloat64(Math.ceil(rows / chunk));
  const klSums = sharedFloat64(Math.ceil(rows / rowChunk));
  const rowChunks = Math.ceil(rows / rowChunk);
  let groupChunks = 0;
  const capacity = 2 * rows + 1;
  const sharedTree = {
    nodeValues: sharedFloat64(4 * capacity),
    nodeLinks: sharedInt32(4 * capacity),
    order: sharedInt32(rows),
    orderX: sharedFloat64(rows),
    orderY: sharedFloat64(rows),
    groupBounds: sharedInt32(rows + 1),
    info: sharedInt32(3),
  };
  return {
    repulsion,
    attraction,
    async evaluate(withKl) {
      await pool.run(
        'gradient',
        {
          rows,
          positions,
          theta,
          leafSize: LEAF_SIZE,
          groupSize: GROUP_SIZE,
          sharedTree,
          rowChunk,
          repulsion,
          attraction,
          zSums,
          klSums,
          withKl: withKl ? 1 : 0,
          chunk,
        },
        {
          // The calling thread's tree is the same as every other thread's.
          completedChunks: (state) => {
            groupChunks = Math.ceil(state.tree!.groupCount / chunk);
            return groupChunks + rowChunks;
          },
        },
      );
      let z = 0;
      for (let index = 0; index < groupChunks; index++) z += zSums[index]!;
      let logTerms = 0;
      if (withKl) for (let index = 0; index < rowChunks; index++) logTerms += klSums[index]!;
      // KL = Σ p ln p − Σ p ln(q̃ / Z) = Σ p ln p + Σ p ln(1 + d²) + ln Z, since Σ p = 1.
      const kl = withKl ? affinities.sumPLogP + logTerms + Math.log(z) : Number.NaN;
      return { z, kl };
    },
  };
}
