import type { PartitionTree, SerializedTree, TreeNode } from '@treesynth/core';
import { type CountSummary, normalizedEntropy, summarizeCounts } from './distribution-stats.js';

export interface LeafCoverage {
  /** Leaves of the tree (nodes with status `leaf`). */
  leaves: number;
  /** Leaves with at least one sample. */
  coveredLeaves: number;
  /** coveredLeaves / leaves; higher is better. NaN for a tree without leaves. */
  coverage: number;
  /** Samples whose leaf_id is not a leaf of the tree (another run's tree, or an interior node). */
  unknownLeafSamples: number;
  /** Samples per leaf over all the tree's leaves, empty ones included. */
  samplesPerLeaf: CountSummary;
  /**
   * Normalised leaf entropy H / log(#leaves), H = −Σ p_l log p_l with p_l the share of samples in
   * leaf l (known leaves only). 1 = samples spread evenly over every leaf; higher is more diverse.
   * NaN with fewer than two leaves or no samples in known leaves.
   */
  normalizedEntropy: number;
}

/**
 * How a TreeSynth run's samples cover its tree: the share of leaves that received samples, the
 * distribution of samples per leaf (min, p10, median, p90, max, mean, Gini; lower Gini is more even)
 * and the normalised entropy of the leaf distribution. `leafIds` are the samples' `leaf_id`s.
 * Cost O(nodes + samples).
 */
export function leafCoverage(tree: PartitionTree | SerializedTree, leafIds: readonly string[]): LeafCoverage {
  const nodes: Iterable<TreeNode> = 'schemaVersion' in tree ? tree.nodes : tree.nodes.values();
  const counts = new Map<string, number>();
  for (const node of nodes) if (node.status === 'leaf') counts.set(node.id, 0);
  let unknownLeafSamples = 0;
  for (const leafId of leafIds) {
    const count = counts.get(leafId);
    if (count === undefined) unknownLeafSamples++;
    else counts.set(leafId, count + 1);
  }
  const perLeaf = [...counts.values()];
  const coveredLeaves = perLeaf.filter((count) => count > 0).length;
  return {
    leaves: perLeaf.length,
    coveredLeaves,
    coverage: perLeaf.length > 0 ? coveredLeaves / perLeaf.length : Number.NaN,
    unknownLeafSamples,
    samplesPerLeaf: summarizeCounts(perLeaf),
    normalizedEntropy: normalizedEntropy(perLeaf),
  };
}
