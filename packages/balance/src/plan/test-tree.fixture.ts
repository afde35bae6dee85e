import { type NodeSplit, PartitionTree } from '@treesynth/core';
import type { Route } from '../routing/route-types.js';

function split(dimension: string, values: string[], infinite = false): NodeSplit {
  return {
    dimension,
    values,
    infinite,
    fixed: false,
    pivots: [],
    assignments: [],
    coverageRounds: 0,
    rejections: [],
  };
}

/**
 * A small tree for tests. Leaves in depth-first order:
 * 0 `topic: algebra > level: easy`, 1 `topic: algebra > level: hard`,
 * 2 `topic: geometry > shape: *` (infinite), 3 `topic: counting`.
 */
export function testTree(): PartitionTree {
  const tree = new PartitionTree();
  const [algebra, geometry, counting] = tree.applySplit(
    tree.root.id,
    split('topic', ['algebra', 'geometry', 'counting']),
  );
  const [easy, hard] = tree.applySplit(algebra!.id, split('level', ['easy', 'hard']));
  const [shapes] = tree.applySplit(geometry!.id, split('shape', ['circle', 'square', 'triangle'], true));
  for (const leaf of [easy!, hard!, shapes!, counting!]) tree.markLeaf(leaf.id, 'max-depth');
  return tree;
}

/** A route to a leaf (no router involved). */
export function routeTo(leafId: string | null, unrouted?: string): Route {
  return {
    leafId,
    path: [],
    similarity: leafId === null ? null : 0.9,
    margin: leafId === null ? null : 0.1,
    decidedBy: 'embedding',
    levels: [],
    ...(unrouted ? { unrouted } : {}),
  };
}
