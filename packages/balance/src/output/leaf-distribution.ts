import type { PartitionTree } from '@treesynth/core';
import { gini, normalizedEntropy } from '@treesynth/core/internal';
import { z } from 'zod';

/** Leaf distribution of a set of rows, as `plan.json` and the result give it. */
export const leafDistributionSchema = z.object({
  rows: z.number().int(),
  leaves: z.number().int(),
  coveredLeaves: z.number().int(),
  /** H(counts) / log(leaves), over every leaf of the tree, empty ones included (as eval's `leafCoverage`). */
  normalizedEntropy: z.number().nullable(),
  /** Gini coefficient of rows per leaf; 0 is perfectly even. */
  gini: z.number().nullable(),
});

export type LeafDistribution = z.infer<typeof leafDistributionSchema>;

export function leafDistribution(tree: PartitionTree, leafIds: readonly string[]): LeafDistribution {
  const counts = new Map(tree.leaves().map((leaf) => [leaf.id, 0]));
  for (const leafId of leafIds) {
    const current = counts.get(leafId);
    if (current !== undefined) counts.set(leafId, current + 1);
  }
  const perLeaf = [...counts.values()];
  return {
    rows: leafIds.length,
    leaves: perLeaf.length,
    coveredLeaves: perLeaf.filter((count) => count > 0).length,
    normalizedEntropy: finiteOrNull(normalizedEntropy(perLeaf)),
    gini: finiteOrNull(gini(perLeaf)),
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
