/**
 * What a diversity report shows. Everything here is data: the page is built by `renderReport`, which
 * escapes every string, so sample text, names and labels may contain anything.
 */
export interface ReportInput {
  title: string;
  /** When the numbers were computed; shown as an ISO timestamp. */
  generatedAt: Date | string;
  /** The samples came from the offline mock models: the page says so in a banner and in its title. */
  simulated?: boolean;
  /** One per run or method; their order is the colour order and the metric table's column order. */
  datasets: ReportDataset[];
  /** The partition tree, for the sunburst. */
  tree?: ReportTree;
  /** Samples per leaf, for the leaf-size histogram; derived from `tree` when left out. */
  leafSizes?: readonly number[];
  /** Samples per leaf before and after balancing, drawn as two overlaid histograms. */
  beforeAfter?: { before: readonly number[]; after: readonly number[] };
  metrics: ReportMetricTable;
  /** Free-text remarks, shown in their own card. */
  notes?: readonly string[];
  /** KL divergence of the run's leaf distribution (however the caller defines it), shown in the summary. */
  klDivergence?: number;
}

export interface ReportDataset {
  name: string;
  /** Samples in the whole dataset, when `texts` is a subset (e.g. the points of the t-SNE map). */
  samples?: number;
  /** The samples' primary text, shown (escaped, truncated) when hovering a point. */
  texts: readonly string[];
  /** 2-D coordinates (e.g. t-SNE), one per text; without them the dataset is left out of the scatters. */
  points?: ReportPoints;
  /** Each sample's leaf path, e.g. `'topic: algebra > level: easy'`; shown on hover. */
  leafPaths?: readonly string[];
  /** Each sample's first-level branch; colours the second scatter. */
  branch?: readonly string[];
}

export interface ReportPoints {
  x: Float32Array | Float64Array | readonly number[];
  y: Float32Array | Float64Array | readonly number[];
}

export interface ReportTree {
  nodes: readonly ReportTreeNode[];
}

export interface ReportTreeNode {
  id: string;
  /** `null` for the root. */
  parentId: string | null;
  label: string;
  /** Samples generated at this node itself (for TreeSynth, leaves only); the sunburst adds up subtrees. */
  samples: number;
}

export type MetricDirection = 'lower is more diverse' | 'higher is more diverse';

export interface ReportMetricTable {
  /** Column headings, usually the dataset names. */
  columns: readonly string[];
  rows: readonly ReportMetricRow[];
}

export interface ReportMetricRow {
  name: string;
  description?: string;
  direction?: MetricDirection;
  /** One per column; `null` where the metric was not computed. */
  values: readonly (number | null)[];
}
