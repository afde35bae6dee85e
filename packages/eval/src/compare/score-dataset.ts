import { type Embedder, wrapEmbedder } from '@treesynth/core';
import {
  type DiversityReport,
  type DiversityReportOptions,
  diversityReport,
} from '../metrics/diversity-report.js';
import { createEmbeddingMatrix, type EmbeddingMatrix } from '../metrics/embedding-matrix.js';
import { streamingDiversityReport } from '../metrics/streaming-report.js';
import { type CompareProgress, seconds } from './compare-progress.js';
import type { LoadedDataset } from './load-dataset.js';

/** Texts embedded per call of the embedder stack (each chunk's duplicates embedded once). */
const CHUNK_ROWS = 4096;

export interface ScoreOptions {
  embedder?: Embedder | undefined;
  seed: number;
  /** Rows up to which the matrix is held whole and every metric computed exactly. */
  exactUpTo: number;
  /** Keep the matrix (the report's t-SNE needs it): always the in-memory path. */
  keepEmbeddings?: boolean;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: CompareProgress) => void) | undefined;
}

/** `12.3 s`, `4m05s`. */
function duration(milliseconds: number): string {
  const totalSeconds = Math.round(milliseconds / 1000);
  if (totalSeconds < 60) return `${(milliseconds / 1000).toFixed(1)}s`;
  return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
}

/** A progress reporter for rows done of a total: at most one event every 2 s, with the ETA. */
function rowProgress(dataset: string, step: string, onProgress: ScoreOptions['onProgress']) {
  const started = performance.now();
  let last = started;
  return (done: number, total: number) => {
    const now = performance.now();
    if (!onProgress || done >= total || now - last < 2000) return;
    last = now;
    const elapsed = now - started;
    const eta = (elapsed / done) * (total - done);
    onProgress({
      kind: 'rows',
      dataset,
      done,
      total,
      etaMs: eta,
      message: `${dataset}: ${step} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} rows (${Math.floor((100 * done) / total)}%), ${duration(elapsed)} so far, about ${duration(eta)} left`,
    });
  };
}

/** The embedder stack's vectors for some texts, in order. */
function embedWith(embedder: Embedder, signal: AbortSignal | undefined) {
  const wrapped = wrapEmbedder({ embedder });
  return async (values: readonly string[]) =>
    (await wrapped.doEmbed({ values: [...values], ...(signal ? { signal } : {}) })).embeddings;
}

/** Embeds the texts a chunk at a time into one float32 matrix (the chunks' own arrays dropped). */
async function embedIntoMatrix(
  texts: readonly string[],
  embed: (values: readonly string[]) => Promise<readonly ArrayLike<number>[]>,
  onRows: (done: number, total: number) => void,
): Promise<EmbeddingMatrix> {
  let data = new Float32Array(0);
  let dims = 0;
  for (let start = 0; start < texts.length; start += CHUNK_ROWS) {
    const vectors = await embed(texts.slice(start, start + CHUNK_ROWS));
    if (start === 0) {
      dims = vectors[0]?.length ?? 0;
      data = new Float32Array(texts.length * dims);
    }
    vectors.forEach((vector, i) => {
      if (vector.length !== dims) createEmbeddingMatrix(Float32Array.from(vector), 1, dims);
      data.set(vector, (start + i) * dims);
    });
    onRows(Math.min(texts.length, start + CHUNK_ROWS), texts.length);
  }
  return createEmbeddingMatrix(data, texts.length, dims);
}

/**
 * One dataset's report. Up to `exactUpTo` rows (or with `keepEmbeddings`) the embeddings are one
 * matrix in memory and every metric is exact (`diversityReport`); above it they stream through
 * `streamingDiversityReport`: exact sums on every row, the quadratic metrics on seeded samples with
 * their standard errors. Progress with an ETA goes to `onProgress`.
 */
export async function scoreDataset(
  dataset: LoadedDataset,
  options: ScoreOptions,
): Promise<{ report: DiversityReport; embeddings?: EmbeddingMatrix }> {
  const { embedder, seed, signal, onProgress } = options;
  const input = {
    texts: dataset.texts,
    ...(dataset.leafIds ? { leafIds: dataset.leafIds } : {}),
    ...(dataset.tree && dataset.leafIds ? { tree: dataset.tree } : {}),
  };
  const metricOptions: DiversityReportOptions = {
    nearestNeighbour: { seed },
    clusterEntropy: { seed },
    selfBleu: { seed },
    duplicates: { seed },
  };
  const rows = dataset.texts.length;
  let embeddings: EmbeddingMatrix | undefined;
  let report: DiversityReport;
  const started = performance.now();
  if (embedder && rows > options.exactUpTo && options.keepEmbeddings !== true) {
    const streamed = await streamingDiversityReport({
      ...input,
      embed: embedWith(embedder, signal),
      seed,
      options: metricOptions,
      chunkRows: CHUNK_ROWS,
      onRows: rowProgress(dataset.name, 'embedded and summed', onProgress),
      ...(signal ? { signal } : {}),
    });
    const { embedMs, ...rest } = streamed;
    report = rest;
    onProgress?.({
      kind: 'embedded',
      dataset: dataset.name,
      texts: rows,
      milliseconds: embedMs,
      message: `${dataset.name}: embedded ${rows} texts with ${embedder.modelId} in ${seconds(embedMs)}, streamed (nearest neighbour, cluster entropy and self-BLEU on seeded samples, with standard errors)`,
    });
  } else {
    if (embedder) {
      embeddings = await embedIntoMatrix(
        dataset.texts,
        embedWith(embedder, signal),
        rowProgress(dataset.name, 'embedded', onProgress),
      );
      const milliseconds = performance.now() - started;
      onProgress?.({
        kind: 'embedded',
        dataset: dataset.name,
        texts: rows,
        milliseconds,
        message: `${dataset.name}: embedded ${rows} texts with ${embedder.modelId} in ${seconds(milliseconds)}`,
      });
    }
    report = diversityReport({ ...input, ...(embeddings ? { embeddings } : {}), options: metricOptions });
  }
  const milliseconds = performance.now() - started;
  onProgress?.({
    kind: 'scored',
    dataset: dataset.name,
    milliseconds,
    message: `${dataset.name}: metrics in ${seconds(milliseconds)}`,
  });
  return { report, ...(embeddings ? { embeddings } : {}) };
}
