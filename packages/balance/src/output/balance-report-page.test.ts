import { loadTask, PartitionTree } from '@treesynth/core';
import { fixedSplit } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import type { BalancePlan } from '../plan/balance-plan.js';
import { balanceReportInput } from './balance-report-page.js';
import type { LeafDistribution } from './leaf-distribution.js';

const distribution = (rows: number, coveredLeaves: number, entropy: number): LeafDistribution => ({
  rows,
  leaves: 2,
  coveredLeaves,
  normalizedEntropy: entropy,
  gini: 1 - entropy,
});

describe('balanceReportInput', () => {
  it('draws the leaf histograms before and after, sizes the tree by the balanced rows, and tables the change', () => {
    const tree = new PartitionTree();
    const [algebra, geometry] = tree.applySplit(tree.root.id, fixedSplit('topic', ['algebra', 'geometry']));
    for (const leaf of [algebra!, geometry!]) tree.markLeaf(leaf.id, 'max-depth');
    const input = balanceReportInput({
      tree,
      task: loadTask('gsm8k'),
      dataFile: 'train.jsonl',
      beforeLeafIds: [algebra!.id, algebra!.id, algebra!.id],
      afterLeafIds: [algebra!.id, geometry!.id],
      beforeTexts: ['a', 'b', 'c'],
      afterTexts: ['a', 'g'],
      before: distribution(3, 1, 0),
      after: distribution(2, 2, 1),
      plan: { totals: { kept: 1, dropped: 2 } } as BalancePlan,
      synthesized: 1,
      simulated: true,
      notes: ['a note'],
    });
    expect(input.title).toBe('Balance of train.jsonl');
    expect(input.simulated).toBe(true);
    expect(input.beforeAfter).toEqual({ before: [3, 0], after: [1, 1] });
    expect(input.tree?.nodes.map((node) => [node.label, node.samples])).toEqual([
      ['gsm8k', 0],
      ['topic: algebra', 1],
      ['topic: geometry', 1],
    ]);
    const rows = Object.fromEntries(input.metrics.rows.map((row) => [row.name, row.values]));
    expect(rows).toMatchObject({
      'normalised leaf entropy': [0, 1],
      'leaves covered': [1, 2],
      rows: [3, 2],
      'rows kept': [null, 1],
      'rows dropped': [null, 2],
      'rows synthesized': [null, 1],
    });
    expect(input.datasets.map((dataset) => dataset.texts)).toEqual([
      ['a', 'b', 'c'],
      ['a', 'g'],
    ]);
    expect(input.notes).toEqual(['a note']);
  });
});
