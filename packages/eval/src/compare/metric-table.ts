import type { DiversityReport } from '../metrics/diversity-report.js';
import type { MetricDirection, ReportMetricRow, ReportMetricTable } from '../report/report-input.js';

/** The rows of the comparison table, in order. */
export type MetricId =
  | 'samples'
  | 'meanCosine'
  | 'vendi'
  | 'nearestNeighbour'
  | 'clusterEntropy'
  | 'distinct1'
  | 'distinct2'
  | 'distinct3'
  | 'selfBleu'
  | 'exactDuplicateRate'
  | 'nearDuplicateRate'
  | 'cosineWithinLeaves'
  | 'cosineAcrossLeaves'
  | 'leavesCovered'
  | 'leafEntropy';

/** One metric, a value per dataset (`null` where it was not computed). */
export interface MetricRow extends ReportMetricRow {
  id: MetricId;
}

/** A column per dataset; a row per metric that any dataset has a value for. */
export interface MetricTable extends ReportMetricTable {
  rows: MetricRow[];
}

interface MetricDefinition {
  id: MetricId;
  name: string;
  description?: string;
  direction?: MetricDirection;
  value: (report: DiversityReport) => number | undefined;
}

const LOWER: MetricDirection = 'lower is more diverse';
const HIGHER: MetricDirection = 'higher is more diverse';

const METRICS: MetricDefinition[] = [
  { id: 'samples', name: 'samples', value: (report) => report.samples },
  {
    id: 'meanCosine',
    name: 'mean pairwise cosine',
    description: 'the paper’s diversity score: mean cosine similarity over all pairs of unit embeddings',
    direction: LOWER,
    value: (report) => report.metrics.meanCosine,
  },
  {
    id: 'vendi',
    name: 'Vendi score',
    description: 'effective number of distinct samples: exp of the entropy of the eigenvalues of XᵀX/n',
    direction: HIGHER,
    value: (report) => report.metrics.vendi,
  },
  {
    id: 'nearestNeighbour',
    name: 'nearest-neighbour distance',
    description: 'mean cosine distance from each sample to its nearest other sample',
    direction: HIGHER,
    value: (report) => report.metrics.nearestNeighbour?.mean,
  },
  {
    id: 'clusterEntropy',
    name: 'cluster entropy',
    description: 'normalised entropy of k-means cluster sizes, k = round(√(n/2)) clamped to [2, 100]',
    direction: HIGHER,
    value: (report) => report.metrics.clusterEntropy?.entropy,
  },
  ...([1, 2, 3] as const).map(
    (order): MetricDefinition => ({
      id: `distinct${order}`,
      name: `distinct-${order}`,
      description: `distinct ${order}-grams / all ${order}-grams over the corpus`,
      direction: HIGHER,
      value: (report) => report.metrics.distinctN?.find((entry) => entry.order === order)?.ratio,
    }),
  ),
  {
    id: 'selfBleu',
    name: 'self-BLEU',
    description: 'mean BLEU-4 of 500 seeded samples against 1,000 others',
    direction: LOWER,
    value: (report) => report.metrics.selfBleu?.score,
  },
  {
    id: 'exactDuplicateRate',
    name: 'exact duplicate rate',
    description: 'share of texts identical (after normalisation) to an earlier one',
    direction: LOWER,
    value: (report) => report.metrics.duplicates?.exactDuplicateRate,
  },
  {
    id: 'nearDuplicateRate',
    name: 'near-duplicate rate',
    description: 'share of texts a MinHash (3-word shingles, Jaccard ≥ 0.8) deduplication drops',
    direction: LOWER,
    value: (report) => report.metrics.duplicates?.nearDuplicateRate,
  },
  {
    id: 'cosineWithinLeaves',
    name: 'cosine within leaves',
    description: 'mean cosine over pairs that share a leaf',
    direction: LOWER,
    value: (report) => report.metrics.leafCosine?.withinLeaf,
  },
  {
    id: 'cosineAcrossLeaves',
    name: 'cosine across leaves',
    description: 'mean cosine over pairs in different leaves',
    direction: LOWER,
    value: (report) => report.metrics.leafCosine?.acrossLeaves,
  },
  {
    id: 'leavesCovered',
    name: 'leaves covered',
    description: 'share of the tree’s leaves that hold at least one sample',
    direction: HIGHER,
    value: (report) => report.metrics.leafCoverage?.coverage,
  },
  {
    id: 'leafEntropy',
    name: 'leaf entropy',
    description: 'normalised entropy of samples per leaf, H / log(leaves); 1 is perfectly even',
    direction: HIGHER,
    value: (report) => report.metrics.leafCoverage?.normalizedEntropy,
  },
];

/** The comparison table of diversity reports, one column each under `columns`. */
export function metricTable(columns: readonly string[], reports: readonly DiversityReport[]): MetricTable {
  const rows: MetricRow[] = [];
  for (const { value, ...metric } of METRICS) {
    const values = reports.map((report) => {
      const result = value(report);
      return result === undefined || Number.isNaN(result) ? null : result;
    });
    if (values.some((entry) => entry !== null)) rows.push({ ...metric, values });
  }
  return { columns: [...columns], rows };
}
