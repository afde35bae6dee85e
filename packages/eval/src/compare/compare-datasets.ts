import type { Embedder } from '@treesynth/core';
import { parseOptions } from '@treesynth/core/internal';
import { z } from 'zod';
import type { DiversityMetrics, DiversityReport } from '../metrics/diversity-report.js';
import type { EmbeddingMatrix } from '../metrics/embedding-matrix.js';
import type { LeafPairwiseCosine } from '../metrics/mean-pairwise-cosine.js';
import type { CompareProgress } from './compare-progress.js';
import { datasetInputSchema, type LoadedDataset, loadDataset } from './load-dataset.js';
import { type MetricTable, metricTable } from './metric-table.js';
import { scoreDataset } from './score-dataset.js';

const embedderSchema = z.custom<Embedder>(
  (value) => typeof (value as Embedder | undefined)?.doEmbed === 'function',
  'expected an Embedder (an object with doEmbed), e.g. createEmbedder("hashing") from @treesynth/providers',
);

/** The options of `compareDatasets`: the one source of their defaults and limits. */
export const compareDatasetsOptionsSchema = z.strictObject({
  /** The datasets, one column each, in this order. Names made unique by suffixing ` (2)`, ` (3)`. */
  datasets: z.array(datasetInputSchema).min(1, 'name at least one run folder or dataset file'),
  /** Embeds every dataset for the embedding metrics; without one, the text metrics only. */
  embedder: embedderSchema.optional(),
  /** For files the guesses are TEXT_FIELD_GUESSES. */
  field: z
    .string()
    .min(1)
    .optional()
    .describe(
      'field holding the text (default: a run’s task field; for files the first of question, problem, prompt, text, …)',
    ),
  /** Their order kept. */
  limit: z
    .number()
    .int()
    .min(2)
    .optional()
    .describe('use at most n rows of each dataset, drawn with the seed'),
  seed: z
    .number()
    .int()
    .min(0)
    .max(4_294_967_295)
    .default(0)
    .describe('seed of the row draw and of every sampled metric'),
  exactUpTo: z
    .number()
    .int()
    .min(0)
    .default(20_000)
    .describe(
      'rows up to which a dataset is scored exactly in memory; above it the embeddings stream and nearest neighbour, cluster entropy and self-BLEU use seeded samples (with standard errors)',
    ),
  signal: z
    .custom<AbortSignal>((value) => value instanceof AbortSignal, 'expected an AbortSignal')
    .optional(),
  onProgress: z
    .custom<(event: CompareProgress) => void>((value) => typeof value === 'function', 'expected a function')
    .optional(),
});

export type CompareDatasetsOptions = z.input<typeof compareDatasetsOptionsSchema>;
type ParsedCompareOptions = z.output<typeof compareDatasetsOptionsSchema>;

/** One dataset's scores. Plain data: `JSON.stringify` gives what `treesynth eval diversity --json` prints. */
export interface DatasetScores {
  name: string;
  /** The path it was read from; absent for rows given in memory. */
  source?: string;
  kind: 'run' | 'file' | 'rows';
  field: string;
  /** Usable rows before `limit`. */
  rows: number;
  /** Rows scored. */
  samples: number;
  /** A run made by the simulated LLM. */
  simulated: boolean;
  metrics: Omit<DiversityMetrics, 'leafCosine'> & { leafCosine?: Omit<LeafPairwiseCosine, 'perLeaf'> };
  timingsMs: DiversityReport['timingsMs'];
  warnings: string[];
  /** The bad rows left out, in one line, when there were any. */
  problems?: string;
}

export interface DatasetComparison {
  /** `provider/modelId` of the embedder, or null for the text metrics only. */
  embedder: string | null;
  datasets: DatasetScores[];
  table: MetricTable;
}

/** A dataset with its report and unit embeddings, for the report's t-SNE. */
export interface ScoredDataset {
  dataset: LoadedDataset;
  report: DiversityReport;
  embeddings?: EmbeddingMatrix;
}

/** Loads, embeds and scores every dataset; the shared first half of compareDatasets and buildReport. */
export async function scoreDatasets(
  options: ParsedCompareOptions,
  keepEmbeddings = false,
): Promise<ScoredDataset[]> {
  const { embedder, seed, signal, onProgress } = options;
  const datasets: LoadedDataset[] = [];
  const seen = new Map<string, number>();
  for (const [index, input] of options.datasets.entries()) {
    const dataset = await loadDataset(input, index, options);
    const count = (seen.get(dataset.name) ?? 0) + 1;
    seen.set(dataset.name, count);
    if (count > 1) dataset.name = `${dataset.name} (${count})`;
    if (dataset.problems)
      onProgress?.({
        kind: 'rows-skipped',
        dataset: dataset.name,
        skipped: dataset.skippedRows,
        message: dataset.problems,
      });
    datasets.push(dataset);
  }
  const scored: ScoredDataset[] = [];
  for (const dataset of datasets) {
    const { report, embeddings } = await scoreDataset(dataset, {
      embedder,
      seed,
      exactUpTo: options.exactUpTo,
      keepEmbeddings,
      signal,
      onProgress,
    });
    scored.push({ dataset, report, ...(embeddings ? { embeddings } : {}) });
  }
  return scored;
}

/** The metrics as plain summary numbers: the per-leaf cosine list left out. */
function withoutPerLeaf(metrics: DiversityMetrics): DatasetScores['metrics'] {
  const { leafCosine, ...rest } = metrics;
  if (!leafCosine) return rest;
  const { perLeaf: _perLeaf, ...summary } = leafCosine;
  return { ...rest, leafCosine: summary };
}

export function embedderName(embedder: Embedder | undefined): string | null {
  return embedder ? `${embedder.provider}/${embedder.modelId}` : null;
}

export function comparisonTable(scored: readonly ScoredDataset[]): MetricTable {
  return metricTable(
    scored.map(({ dataset }) => dataset.name),
    scored.map(({ report }) => report),
  );
}

/**
 * Scores datasets side by side on every diversity metric that applies: the embedding metrics with
 * `embedder`, the text metrics always, the leaf metrics for rows that carry TreeSynth provenance.
 * Bad options, a missing file or a file without usable rows are a ConfigError naming the option or
 * file; bad rows are left out and reported (`problems`, and `onProgress`).
 */
export async function compareDatasets(options: CompareDatasetsOptions): Promise<DatasetComparison> {
  const parsed = parseOptions(compareDatasetsOptionsSchema, options);
  const scored = await scoreDatasets(parsed);
  return {
    embedder: embedderName(parsed.embedder),
    datasets: scored.map(({ dataset, report }) => ({
      name: dataset.name,
      ...(dataset.source !== undefined ? { source: dataset.source } : {}),
      kind: dataset.kind,
      field: dataset.field,
      rows: dataset.totalRows,
      samples: report.samples,
      simulated: dataset.simulated,
      metrics: withoutPerLeaf(report.metrics),
      timingsMs: report.timingsMs,
      warnings: report.warnings,
      ...(dataset.problems ? { problems: dataset.problems } : {}),
    })),
    table: comparisonTable(scored),
  };
}
