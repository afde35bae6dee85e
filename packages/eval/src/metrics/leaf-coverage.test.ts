import { PartitionTree } from '@treesynth/core';
import { fixedSplit as split } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { leafCoverage } from './leaf-coverage.js';

/** root → a, b, c; a → a1, a2: leaves a1, a2, b, c. */
function smallTree(): { tree: PartitionTree; leaves: string[] } {
  const tree = new PartitionTree();
  const [a, b, c] = tree.applySplit(tree.root.id, split('topic', ['a', 'b', 'c']));
  const [a1, a2] = tree.applySplit(a!.id, split('level', ['1', '2']));
  for (const node of [a1!, a2!, b!, c!]) tree.markLeaf(node.id, 'max-depth');
  return { tree, leaves: tree.leaves().map((leaf) => leaf.id) };
}

describe('leafCoverage', () => {
  it('measures coverage, the per-leaf distribution and the leaf entropy', () => {
    const { tree, leaves } = smallTree();
    const [a1, a2, b] = leaves;
    const leafIds = [...Array(6).fill(a1), ...Array(2).fill(a2), ...Array(4).fill(b), 'elsewhere'];
    const result = leafCoverage(tree, leafIds);
    expect(result).toMatchObject({ leaves: 4, coveredLeaves: 3, coverage: 0.75, unknownLeafSamples: 1 });
    expect(result.samplesPerLeaf).toMatchObject({ min: 0, median: 3, max: 6, mean: 3 });
    expect(result.samplesPerLeaf.gini).toBeCloseTo((-3 * 0 - 1 * 2 + 1 * 4 + 3 * 6) / (4 * 12), 12);
    const p = [6 / 12, 2 / 12, 4 / 12];
    expect(result.normalizedEntropy).toBeCloseTo(
      -p.reduce((sum, q) => sum + q * Math.log(q), 0) / Math.log(4),
      12,
    );
  });

  it('gives entropy 1 for evenly covered leaves, and reads a serialized tree', () => {
    const { tree, leaves } = smallTree();
    const leafIds = leaves.flatMap((leaf) => [leaf, leaf, leaf]);
    const result = leafCoverage(tree.toJSON(), leafIds);
    expect(result.coverage).toBe(1);
    expect(result.normalizedEntropy).toBeCloseTo(1, 15);
    expect(result.samplesPerLeaf.gini).toBe(0);
  });

  it('counts interior node ids as unknown', () => {
    const { tree } = smallTree();
    const result = leafCoverage(tree, [tree.root.id]);
    expect(result).toMatchObject({ coveredLeaves: 0, unknownLeafSamples: 1 });
    expect(result.normalizedEntropy).toBeNaN();
  });
});
