import { ConfigError, type PartitionTree, type SerializedTree } from '@treesynth/core';
import { type ClusterEntropyOptions, type ClusterEntropyResult, clusterEntropy } from './cluster-entropy.js';
import { type DistinctN, type DistinctNOptions, distinctN } from './distinct-n.js';
import { type DuplicateRates, type DuplicateRatesOptions, duplicateRates } from './duplicate-rates.js';
import { type EmbeddingMatrix, normalizeRows } from './embedding-matrix.js';
import { type LeafCoverage, leafCoverage } from './leaf-coverage.js';
import { type LeafPairwiseCosine, leafPairwiseCosine, meanPairwiseCosine } from './mean-pairwise-cosine.js';
import {
  type NearestNeighbourOptions,
  type NearestNeighbourResult,
  nearestNeighbourDistance,
} from './nearest-neighbour-distance.js';
import { type SelfBleuOptions, type SelfBleuResult, selfBleu } from './self-bleu.js';
import { type VendiOptions, vendiScore } from './vendi-score.js';

export type DiversityMetricName =
  | 'meanCosine'
  | 'leafCosine'
  | 'vendi'
  | 'nearestNeighbour'
  | 'clusterEntropy'
  | 'distinctN'
  | 'selfBleu'
  | 'duplicates'
  | 'leafCoverage';

export interface DiversityReportOptions {
  /** Metrics not to compute. */
  skip?: readonly DiversityMetricName[];
  /** Scale embedding rows to unit length first; default true (the metrics assume unit rows). */
  normalize?: boolean;
  vendi?: VendiOptions;
  nearestNeighbour?: NearestNeighbourOptions;
  clusterEntropy?: ClusterEntropyOptions;
  distinctN?: DistinctNOptions;
  selfBleu?: SelfBleuOptions;
  duplicates?: DuplicateRatesOptions;
  /** Called after each metric with its wall-clock time, e.g. to show progress. */
  onMetric?: (name: DiversityMetricName, milliseconds: number) => void;
}

export interface DiversityReportInput {
  /** One row per text, same order. Without it the embedding metrics are left out. */
  embeddings?: EmbeddingMatrix;
  texts: readonly string[];
  /** The samples' `leaf_id`s, one per text (TreeSynth runs). */
  leafIds?: readonly string[];
  tree?: PartitionTree | SerializedTree;
  options?: DiversityReportOptions;
}

/** Each metric's direction is in its own documentation; "↓" below means lower is more diverse. */
export interface DiversityMetrics {
  /** ↓ Mean pairwise cosine similarity (the paper's score). */
  meanCosine?: number;
  /** ↓ Mean cosine within leaves and across leaves. */
  leafCosine?: LeafPairwiseCosine;
  /** ↑ Vendi score: effective number of distinct samples. */
  vendi?: number;
  /** ↑ Mean cosine distance to the nearest other sample. */
  nearestNeighbour?: NearestNeighbourResult;
  /** ↑ Normalised entropy of k-means cluster sizes. */
  clusterEntropy?: ClusterEntropyResult;
  /** ↑ Distinct n-gram ratios. */
  distinctN?: DistinctN[];
  /** ↓ Self-BLEU. */
  selfBleu?: SelfBleuResult;
  /** ↓ Exact and near-duplicate rates. */
  duplicates?: DuplicateRates;
  /** ↑ Leaf coverage and normalised leaf entropy. */
  leafCoverage?: LeafCoverage;
}

export interface DiversityReport {
  samples: number;
  /** Embedding dimensions, when embeddings were given. */
  dims?: number;
  metrics: DiversityMetrics;
  /** Wall-clock milliseconds per computed metric. */
  timingsMs: Partial<Record<DiversityMetricName, number>>;
  /** Inputs that did not fit together or metrics that could not be computed, in words. */
  warnings: string[];
}

/**
 * Every diversity metric that applies to the inputs: the embedding metrics when `embeddings` is
 * given, the text metrics always, the leaf metrics when `leafIds` (and, for coverage, `tree`) are.
 * Inputs of different lengths are a ConfigError. Synchronous and single-threaded; see each metric for
 * its cost (the nearest-neighbour distance and k-means dominate on large runs).
 */
export function diversityReport(input: DiversityReportInput): DiversityReport {
  const { texts, leafIds, tree } = input;
  const options = input.options ?? {};
  const skip = new Set(options.skip ?? []);
  const samples = texts.length;
  if (input.embeddings && input.embeddings.rows !== samples) {
    throw new ConfigError({
      path: 'embeddings',
      message: `has ${input.embeddings.rows} rows for ${samples} texts`,
    });
  }
  if (leafIds && leafIds.length !== samples) {
    throw new ConfigError({ path: 'leafIds', message: `has ${leafIds.length} entries for ${samples} texts` });
  }

  const report: DiversityReport = { samples, metrics: {}, timingsMs: {}, warnings: [] };
  const { metrics } = report;
  const measure = <T>(name: DiversityMetricName, compute: () => T): T | undefined => {
    if (skip.has(name)) return undefined;
    const started = performance.now();
    const value = compute();
    const milliseconds = performance.now() - started;
    report.timingsMs[name] = milliseconds;
    options.onMetric?.(name, milliseconds);
    return value;
  };

  if (input.embeddings) {
    const embeddings = options.normalize === false ? input.embeddings : normalizeRows(input.embeddings);
    report.dims = embeddings.dims;
    metrics.meanCosine = measure('meanCosine', () => meanPairwiseCosine(embeddings));
    if (leafIds) metrics.leafCosine = measure('leafCosine', () => leafPairwiseCosine(embeddings, leafIds));
    metrics.vendi = measure('vendi', () => vendiScore(embeddings, options.vendi));
    metrics.nearestNeighbour = measure('nearestNeighbour', () =>
      nearestNeighbourDistance(embeddings, options.nearestNeighbour),
    );
    metrics.clusterEntropy = measure('clusterEntropy', () =>
      clusterEntropy(embeddings, options.clusterEntropy),
    );
  }
  metrics.distinctN = measure('distinctN', () => distinctN(texts, options.distinctN));
  metrics.selfBleu = measure('selfBleu', () => selfBleu(texts, options.selfBleu));
  metrics.duplicates = measure('duplicates', () => duplicateRates(texts, options.duplicates));
  if (tree && leafIds) {
    metrics.leafCoverage = measure('leafCoverage', () => leafCoverage(tree, leafIds));
    const unknown = metrics.leafCoverage?.unknownLeafSamples ?? 0;
    if (unknown > 0) report.warnings.push(`${unknown} samples have a leaf_id that is not a leaf of the tree`);
  } else if (tree && !skip.has('leafCoverage')) {
    report.warnings.push('leafCoverage needs leafIds as well as the tree; left out');
  }
  for (const name of Object.keys(metrics) as (keyof DiversityMetrics)[]) {
    if (metrics[name] === undefined) delete metrics[name];
  }
  return report;
}
