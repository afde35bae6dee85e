import { checkOutputPath, type Embedder } from '@treesynth/core';
import {
  type DiversityReport,
  diversityReport,
  type EmbeddingMatrix,
  embeddingMatrixFromRows,
  type ReportMetricRow,
  type ReportMetricTable,
} from '@treesynth/eval';
import { createEmbedder, embedMany } from '@treesynth/providers';
import type { LoadedDataset } from './datasets.js';

export interface ComparedDataset {
  dataset: LoadedDataset;
  report: DiversityReport;
  /** Unit rows, one per text; absent with `--embedder none`. */
  embeddings?: EmbeddingMatrix;
}

export interface CompareOptions {
  /** An embedder spec for providers' createEmbedder, or 'none' for the text metrics only. */
  embedder: string;
  cacheDir?: string;
  seed?: number;
  signal?: AbortSignal;
  /** One line per step, for stderr. */
  onStatus?: (line: string) => void;
}

/** Embeds each dataset with one embedder and computes every diversity metric that applies. */
export async function compareDatasets(
  datasets: readonly LoadedDataset[],
  options: CompareOptions,
): Promise<{ compared: ComparedDataset[]; embedder?: string }> {
  if (options.cacheDir !== undefined)
    checkOutputPath(options.cacheDir, { flag: '--cache-dir', kind: 'folder' });
  const seed = options.seed ?? 0;
  let embedder: Embedder | undefined;
  if (options.embedder !== 'none')
    embedder = createEmbedder(options.embedder, { cacheDir: options.cacheDir });
  try {
    const compared: ComparedDataset[] = [];
    for (const dataset of datasets) {
      let embeddings: EmbeddingMatrix | undefined;
      if (embedder) {
        const started = performance.now();
        const { embeddings: vectors } = await embedMany({
          embedder,
          values: dataset.texts,
          ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        embeddings = embeddingMatrixFromRows(vectors);
        options.onStatus?.(
          `${dataset.name}: embedded ${dataset.texts.length} texts with ${embedder.modelId} in ${((performance.now() - started) / 1000).toFixed(1)}s`,
        );
      }
      const started = performance.now();
      const report = diversityReport({
        texts: dataset.texts,
        ...(embeddings ? { embeddings } : {}),
        ...(dataset.leafIds ? { leafIds: dataset.leafIds } : {}),
        ...(dataset.tree && dataset.leafIds ? { tree: dataset.tree } : {}),
        options: {
          nearestNeighbour: { seed },
          clusterEntropy: { seed },
          selfBleu: { seed },
          duplicates: { seed },
        },
      });
      options.onStatus?.(`${dataset.name}: metrics in ${((performance.now() - started) / 1000).toFixed(1)}s`);
      compared.push({ dataset, report, ...(embeddings ? { embeddings } : {}) });
    }
    return { compared, ...(embedder ? { embedder: `${embedder.provider}/${embedder.modelId}` } : {}) };
  } finally {
    const closable = embedder as (Embedder & { close?: () => Promise<void> }) | undefined;
    await closable?.close?.();
  }
}

type Row = Omit<ReportMetricRow, 'values'> & { value: (report: DiversityReport) => number | undefined };

/** The metric table, a column per dataset; a row is kept when any dataset has a value for it. */
const ROWS: Row[] = [
  { name: 'samples', value: (report) => report.samples },
  {
    name: 'mean pairwise cosine',
    description: 'the paper’s diversity score: mean cosine similarity over all pairs of unit embeddings',
    direction: 'lower is more diverse',
    value: (report) => report.metrics.meanCosine,
  },
  {
    name: 'Vendi score',
    description: 'effective number of distinct samples: exp of the entropy of the eigenvalues of XᵀX/n',
    direction: 'higher is more diverse',
    value: (report) => report.metrics.vendi,
  },
  {
    name: 'nearest-neighbour distance',
    description: 'mean cosine distance from each sample to its nearest other sample',
    direction: 'higher is more diverse',
    value: (report) => report.metrics.nearestNeighbour?.mean,
  },
  {
    name: 'cluster entropy',
    description: 'normalised entropy of k-means cluster sizes, k = round(√(n/2)) clamped to [2, 100]',
    direction: 'higher is more diverse',
    value: (report) => report.metrics.clusterEntropy?.entropy,
  },
  ...[1, 2, 3].map(
    (order): Row => ({
      name: `distinct-${order}`,
      description: `distinct ${order}-grams / all ${order}-grams over the corpus`,
      direction: 'higher is more diverse',
      value: (report) => report.metrics.distinctN?.find((entry) => entry.order === order)?.ratio,
    }),
  ),
  {
    name: 'self-BLEU',
    description: 'mean BLEU-4 of 500 seeded samples against 1,000 others',
    direction: 'lower is more diverse',
    value: (report) => report.metrics.selfBleu?.score,
  },
  {
    name: 'exact duplicate rate',
    description: 'share of texts identical (after normalisation) to an earlier one',
    direction: 'lower is more diverse',
    value: (report) => report.metrics.duplicates?.exactDuplicateRate,
  },
  {
    name: 'near-duplicate rate',
    description: 'share of texts a MinHash (3-word shingles, Jaccard ≥ 0.8) deduplication drops',
    direction: 'lower is more diverse',
    value: (report) => report.metrics.duplicates?.nearDuplicateRate,
  },
  {
    name: 'cosine within leaves',
    description: 'mean cosine over pairs that share a leaf',
    direction: 'lower is more diverse',
    value: (report) => report.metrics.leafCosine?.withinLeaf,
  },
  {
    name: 'cosine across leaves',
    description: 'mean cosine over pairs in different leaves',
    direction: 'lower is more diverse',
    value: (report) => report.metrics.leafCosine?.acrossLeaves,
  },
  {
    name: 'leaves covered',
    description: 'share of the tree’s leaves that hold at least one sample',
    direction: 'higher is more diverse',
    value: (report) => report.metrics.leafCoverage?.coverage,
  },
  {
    name: 'leaf entropy',
    description: 'normalised entropy of samples per leaf, H / log(leaves); 1 is perfectly even',
    direction: 'higher is more diverse',
    value: (report) => report.metrics.leafCoverage?.normalizedEntropy,
  },
];

export function metricTable(compared: readonly ComparedDataset[]): ReportMetricTable {
  const rows: ReportMetricRow[] = [];
  for (const row of ROWS) {
    const values = compared.map(({ report }) => {
      const value = row.value(report);
      return value === undefined || Number.isNaN(value) ? null : value;
    });
    if (values.every((value) => value === null)) continue;
    const { value: _value, ...rest } = row;
    rows.push({ ...rest, values });
  }
  return { columns: compared.map(({ dataset }) => dataset.name), rows };
}

function formatValue(value: number | null, count: boolean): string {
  if (value === null) return '–';
  if (count) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(4);
}

/** The table as aligned text, with ↓/↑ for the direction that is more diverse. */
export function formatMetricTable(table: ReportMetricTable): string {
  const header = ['metric', ...table.columns];
  const body = table.rows.map((row) => [
    `${row.name}${row.direction === 'lower is more diverse' ? ' ↓' : row.direction ? ' ↑' : ''}`,
    ...row.values.map((value) => formatValue(value, row.name === 'samples')),
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...body].map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...body.map(line),
    '',
    '↓ lower is more diverse, ↑ higher is more diverse',
  ].join('\n');
}
