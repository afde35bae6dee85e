import { ConfigError } from '@treesynth/core';
import { seededSample } from '@treesynth/core/internal';
import { GramWorker } from './_vendi-worker.js';
import { type ClusterEntropyResult, clusterEntropyOfSample } from './cluster-entropy.js';
import {
  type DiversityMetricName,
  type DiversityMetrics,
  type DiversityReport,
  type DiversityReportInput,
  diversityReport,
} from './diversity-report.js';
import { normalizeRowsInPlace } from './embedding-matrix.js';
import { CosineSums } from './mean-pairwise-cosine.js';
import { StreamingNearest } from './nearest-neighbour-distance.js';
import { StreamingVendi, vendiFromEigenvalues } from './vendi-score.js';

/** Texts to vectors, in order, one vector per text (all the same length). */
export type EmbedTexts = (texts: readonly string[]) => Promise<readonly ArrayLike<number>[]>;

export interface StreamingReportInput extends Omit<DiversityReportInput, 'embeddings'> {
  embed: EmbedTexts;
  /** Rows embedded and folded into the sums at a time; default 4096. */
  chunkRows?: number;
  /** Nearest-neighbour queries; default `defaultNearestQueries(n)`. */
  nearestQueries?: number;
  /** Rows k-means clusters; default 10,000. */
  clusterSample?: number;
  /** Seed of the query and cluster samples (the metrics' own seeds stay in `options`); default 0. */
  seed?: number | string;
  /**
   * Sum Vendi's Xᵀ X on a worker thread beside the rest (the same sums, so the same score); default
   * true, falling back to the calling thread where WebAssembly SIMD or worker threads are missing.
   */
  vendiWorker?: boolean;
  /** After each chunk: rows embedded and folded in so far, of `total`. */
  onRows?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface StreamingReport extends DiversityReport {
  /** Milliseconds spent in `embed`. */
  embedMs: number;
}

/**
 * Nearest-neighbour queries for n rows: about 5·10⁷/n (so m·n, and with it the cost m·n·d, stays
 * near 5·10⁷·d), at least 256 and at most 10,000 (the query count of `nearestNeighbourDistance`).
 */
export function defaultNearestQueries(rows: number): number {
  return Math.min(rows, Math.max(256, Math.min(10_000, Math.round(5e7 / Math.max(1, rows)))));
}

/**
 * Every diversity metric of `diversityReport`, for datasets too large to hold as one matrix: texts are
 * embedded `chunkRows` at a time and each chunk, scaled to unit rows, is folded into running sums
 * and then dropped, so memory is O(chunk·d + d² + samples·d) whatever n is.
 *
 * Exact on every row: mean cosine and the leaf cosines (`CosineSums`, the same sums in the same order
 * as on a matrix held whole), Vendi through the d × d dual (`StreamingVendi`, float32 sums within a
 * block of rows; by default summed and decomposed on a worker thread, `GramWorker`, which gives the
 * same score, while this thread embeds and searches), and the text metrics (distinct-n, duplicate
 * rates, leaf coverage). Vendi's timing is then the time this thread waited for the worker.
 * On a seeded sample, each with a standard error: the nearest-neighbour distance (`nearestQueries`
 * query rows, each against every row: m·n·d), cluster entropy (k-means on `clusterSample` rows, k from
 * n), and self-BLEU (sampled as always).
 */
export async function streamingDiversityReport(input: StreamingReportInput): Promise<StreamingReport> {
  const { texts, leafIds, embed, signal } = input;
  const options = input.options ?? {};
  const skip = new Set(options.skip ?? []);
  const rows = texts.length;
  if (leafIds && leafIds.length !== rows)
    throw new ConfigError({ path: 'leafIds', message: `has ${leafIds.length} entries for ${rows} texts` });
  const chunkRows = input.chunkRows ?? 4096;
  const seed = input.seed ?? 0;
  let embedMs = 0;
  const embedRows = async (values: readonly string[]): Promise<{ data: Float32Array; dims: number }> => {
    signal?.throwIfAborted();
    const started = performance.now();
    const vectors = await embed(values);
    embedMs += performance.now() - started;
    const dims = vectors[0]?.length ?? 0;
    const data = new Float32Array(values.length * dims);
    vectors.forEach((vector, row) => {
      if (vector.length !== dims)
        throw new ConfigError({
          path: `embeddings[${row}]`,
          message: `has ${vector.length} dimensions, expected ${dims}`,
        });
      data.set(vector, row * dims);
    });
    normalizeRowsInPlace(data, values.length, dims);
    return { data, dims };
  };

  const timings: Partial<Record<DiversityMetricName, number>> = {};
  const timed = <T>(name: DiversityMetricName, compute: () => T): T => {
    const started = performance.now();
    const value = compute();
    timings[name] = (timings[name] ?? 0) + performance.now() - started;
    return value;
  };
  const timedAsync = async <T>(name: DiversityMetricName, compute: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const value = await compute();
    timings[name] = (timings[name] ?? 0) + performance.now() - started;
    return value;
  };

  const queryRows = skip.has('nearestNeighbour')
    ? []
    : seededSample(
        rows,
        input.nearestQueries ?? defaultNearestQueries(rows),
        options.nearestNeighbour?.seed ?? seed,
      );
  const queries = await embedRows(queryRows.map((row) => texts[row]!));
  const clusterRows = skip.has('clusterEntropy')
    ? []
    : seededSample(rows, input.clusterSample ?? 10_000, `${seed}:cluster-sample`).sort((a, b) => a - b);
  let dims = queryRows.length > 0 ? queries.dims : 0;
  let cosine: CosineSums | undefined;
  let vendi: StreamingVendi | undefined;
  let gramWorker: GramWorker | null = null;
  let nearest: StreamingNearest | undefined;
  let clusterData = new Float32Array(0);
  let clusterNext = 0;
  // The eigenvalues of the worker's Xᵀ X, asked for after the last chunk, awaited after the rest.
  let gramEigenvalues: Promise<Float64Array> | undefined;
  try {
    for (let start = 0; start < rows; start += chunkRows) {
      const count = Math.min(chunkRows, rows - start);
      const chunk = await embedRows(texts.slice(start, start + count));
      if (start === 0) {
        dims = chunk.dims;
        cosine = new CosineSums(dims, leafIds !== undefined && !skip.has('leafCosine'));
        if (!skip.has('vendi') && input.vendiWorker !== false) gramWorker = GramWorker.start(dims);
        if (!skip.has('vendi') && !gramWorker) vendi = new StreamingVendi(dims);
        if (queryRows.length > 0)
          nearest = new StreamingNearest(
            { data: queries.data, rows: queryRows.length, dims },
            queryRows,
            chunkRows,
          );
        clusterData = new Float32Array(clusterRows.length * dims);
      }
      if (chunk.dims !== dims)
        throw new ConfigError({
          path: `embeddings[${start}]`,
          message: `has ${chunk.dims} dimensions, expected ${dims}`,
        });
      const { data } = chunk;
      timed('meanCosine', () => cosine!.add(data, count, leafIds?.slice(start, start + count)));
      const [summing, searching] = [vendi, nearest];
      if (summing) timed('vendi', () => summing.add(data, count));
      if (gramWorker) {
        const worker = gramWorker;
        await timedAsync('vendi', () => worker.add(data, count, dims));
      }
      if (searching) timed('nearestNeighbour', () => searching.add(data, count));
      while (clusterNext < clusterRows.length && clusterRows[clusterNext]! < start + count) {
        const row = clusterRows[clusterNext]! - start;
        clusterData.set(data.subarray(row * dims, (row + 1) * dims), clusterNext * dims);
        clusterNext++;
      }
      input.onRows?.(start + count, rows);
    }
    gramEigenvalues = gramWorker?.eigenvalues();
  } catch (error) {
    gramWorker?.close();
    throw error;
  }

  const metrics: DiversityMetrics = {};
  if (cosine && rows > 0) {
    if (!skip.has('meanCosine')) metrics.meanCosine = cosine.meanCosine();
    else delete timings.meanCosine;
    if (leafIds && !skip.has('leafCosine'))
      metrics.leafCosine = timed('leafCosine', () => cosine!.leafCosine());
    if (vendi) metrics.vendi = timed('vendi', () => vendi.score(options.vendi?.order ?? 1));
    if (nearest) metrics.nearestNeighbour = nearest.result();
    if (clusterRows.length > 0)
      metrics.clusterEntropy = timed(
        'clusterEntropy',
        (): ClusterEntropyResult =>
          clusterEntropyOfSample({ data: clusterData, rows: clusterRows.length, dims }, rows, {
            ...options.clusterEntropy,
            seed: options.clusterEntropy?.seed ?? seed,
          }),
      );
  }
  // The text and leaf metrics: the same function as for a matrix held whole.
  const textReport = diversityReport({
    texts,
    ...(leafIds ? { leafIds } : {}),
    ...(input.tree ? { tree: input.tree } : {}),
    options: {
      ...options,
      skip: [...skip, 'meanCosine', 'leafCosine', 'vendi', 'nearestNeighbour', 'clusterEntropy'],
    },
  });
  if (gramEigenvalues && rows > 0) {
    const eigenvalues = await timedAsync('vendi', () => gramEigenvalues);
    metrics.vendi = vendiFromEigenvalues(eigenvalues, options.vendi?.order ?? 1);
  }
  return {
    samples: rows,
    ...(cosine ? { dims } : {}),
    // In the order of `diversityReport` (Vendi, summed on the worker, came last).
    metrics: {
      ...(metrics.meanCosine !== undefined ? { meanCosine: metrics.meanCosine } : {}),
      ...(metrics.leafCosine ? { leafCosine: metrics.leafCosine } : {}),
      ...(metrics.vendi !== undefined ? { vendi: metrics.vendi } : {}),
      ...metrics,
      ...textReport.metrics,
    },
    timingsMs: { ...timings, ...textReport.timingsMs },
    warnings: textReport.warnings,
    embedMs,
  };
}
