import type { TaskDefinition, TreeNode } from '@treesynth/core';
import type { ReportInput, ReportTreeNode } from '@treesynth/eval';
import type { BalanceReportInput } from './balance-report-input.js';
import type { LeafDistribution } from './leaf-distribution.js';

function nodeLabel(node: TreeNode, task: TaskDefinition): string {
  const step = node.steps[node.steps.length - 1];
  if (!step) return task.name;
  return `${step.dimension}: ${step.infinite ? '*' : step.value}`;
}

/**
 * The report of a balance (`balanceDataset`'s `writeReport` input): leaf histograms before and after,
 * the tree sized by the balanced rows, and entropy, coverage and Gini before and after.
 *
 * ```ts
 * await balanceDataset({ ...options, writeReport: (file, input) => writeReport(file, balanceReportInput(input)) });
 * ```
 */
export function balanceReportInput(input: BalanceReportInput): ReportInput {
  const leaves = input.tree.leaves();
  const count = (leafIds: readonly string[]) => {
    const counts = new Map(leaves.map((leaf) => [leaf.id, 0]));
    for (const leafId of leafIds) counts.set(leafId, (counts.get(leafId) ?? 0) + 1);
    return counts;
  };
  const before = count(input.beforeLeafIds);
  const after = count(input.afterLeafIds);
  const nodes: ReportTreeNode[] = [...input.tree.nodes.values()].map((node) => ({
    id: node.id,
    parentId: node.parentId,
    label: nodeLabel(node, input.task),
    samples: after.get(node.id) ?? 0,
  }));
  const pair = (pick: (distribution: LeafDistribution) => number | null) => [
    pick(input.before),
    pick(input.after),
  ];
  return {
    title: `Balance of ${input.dataFile}`,
    generatedAt: new Date(),
    simulated: input.simulated,
    datasets: [
      { name: 'before', texts: input.beforeTexts },
      { name: 'after', texts: input.afterTexts },
    ],
    tree: { nodes },
    beforeAfter: {
      before: leaves.map((leaf) => before.get(leaf.id)!),
      after: leaves.map((leaf) => after.get(leaf.id)!),
    },
    metrics: {
      columns: ['before', 'after'],
      rows: [
        {
          name: 'normalised leaf entropy',
          description: 'H(samples per leaf) / log(leaves), empty leaves included; 1 is perfectly even',
          direction: 'higher is more diverse',
          values: pair((distribution) => distribution.normalizedEntropy),
        },
        {
          name: 'leaves covered',
          description: `leaves with at least one row, of ${input.before.leaves}`,
          direction: 'higher is more diverse',
          values: pair((distribution) => distribution.coveredLeaves),
        },
        {
          name: 'Gini of rows per leaf',
          description: '0 when every leaf holds the same number of rows',
          direction: 'lower is more diverse',
          values: pair((distribution) => distribution.gini),
        },
        { name: 'rows', values: pair((distribution) => distribution.rows) },
        { name: 'rows kept', values: [null, input.plan.totals.kept] },
        { name: 'rows dropped', values: [null, input.plan.totals.dropped] },
        { name: 'rows synthesized', values: [null, input.synthesized] },
      ],
    },
    notes: input.notes,
  };
}
