import type { SerializedTree } from '@treesynth/core';
import type { ReportTree, ReportTreeNode } from '../report/report-input.js';

/** A run's tree for the sunburst: a node per tree node, leaves sized by their samples. */
export function reportTree(tree: SerializedTree, leafIds: readonly string[], rootLabel: string): ReportTree {
  const counts = new Map<string, number>();
  for (const leafId of leafIds) counts.set(leafId, (counts.get(leafId) ?? 0) + 1);
  const nodes: ReportTreeNode[] = tree.nodes.map((node) => {
    const step = node.steps.at(-1);
    const label = !step
      ? rootLabel
      : step.infinite
        ? `${step.dimension}: any of ${step.values.length}`
        : `${step.dimension}: ${step.value}`;
    return { id: node.id, parentId: node.parentId, label, samples: counts.get(node.id) ?? 0 };
  });
  return { nodes };
}
