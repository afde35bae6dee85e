import { RunStoreError } from '../errors/run-store-error.js';
import type { NodeStep, PathStep } from '../spec/sample.js';
import { parseVersioned } from '../store/parse-versioned.js';
import { childPathText, nodeIdOfPath, pathText, ROOT_ID } from './node-id.js';
import {
  type LeafReason,
  type NodeSplit,
  type SerializedTree,
  serializedTreeSchema,
  TREE_SCHEMA_VERSION,
  type TreeNode,
} from './tree-schema.js';

export {
  type LeafReason,
  type NodeSplit,
  type SerializedTree,
  serializedTreeSchema,
  TREE_SCHEMA_VERSION,
  type TreeNode,
} from './tree-schema.js';

/** The tree of subspaces. Nodes are keyed by path-derived ids; order of insertion is kept. */
export class PartitionTree {
  readonly nodes = new Map<string, TreeNode>();
  /** Nodes by status, kept up to date so progress reports cost nothing on large trees. */
  readonly counts: Record<TreeNode['status'], number> = { pending: 1, split: 0, leaf: 0 };
  private changes = 0;
  /** The path text (`pathText`) of each pending node, so its children need not write it again. */
  private readonly pathTexts = new Map<string, string>();

  /**
   * Grows with every split and leaf recorded through this tree's methods, so a writer can tell that
   * the tree is as it was when it last wrote it (`RunStore.writeTree`).
   */
  get version(): number {
    return this.changes;
  }

  private setStatus(node: TreeNode, status: TreeNode['status']): void {
    this.changes++;
    this.counts[node.status]--;
    this.counts[status]++;
    node.status = status;
  }

  constructor() {
    this.nodes.set(ROOT_ID, {
      id: ROOT_ID,
      parentId: null,
      depth: 0,
      steps: [],
      status: 'pending',
      children: [],
    });
  }

  get root(): TreeNode {
    return this.nodes.get(ROOT_ID)!;
  }

  get(id: string): TreeNode {
    const node = this.nodes.get(id);
    if (!node) throw new Error(`unknown tree node ${id}`);
    return node;
  }

  /** Record a split and create its children as pending nodes; returns the children. */
  applySplit(id: string, split: NodeSplit): TreeNode[] {
    const node = this.get(id);
    this.setStatus(node, 'split');
    node.split = split;
    const ownSteps: NodeStep[] = split.infinite
      ? [{ dimension: split.dimension, values: split.values, infinite: true }]
      : split.values.map((value) => ({ dimension: split.dimension, value }));
    const path = this.pathTexts.get(id) ?? pathText(node.steps);
    // A node splits once: only pending nodes keep their text.
    this.pathTexts.delete(id);
    const children: TreeNode[] = [];
    for (const step of ownSteps) {
      const steps = [...node.steps, step];
      const childPath = childPathText(path, step);
      const child: TreeNode = {
        id: nodeIdOfPath(childPath),
        parentId: id,
        depth: node.depth + 1,
        steps,
        status: 'pending',
        children: [],
      };
      // Ids derive from paths, so a repeated value would collide; the engine deduplicates values first.
      if (this.nodes.has(child.id)) throw new Error(`duplicate child ${child.id} under ${id}`);
      this.nodes.set(child.id, child);
      this.pathTexts.set(child.id, childPath);
      this.counts.pending++;
      node.children.push(child.id);
      children.push(child);
    }
    return children;
  }

  markLeaf(id: string, reason: LeafReason, detail?: string[]): TreeNode {
    const node = this.get(id);
    this.setStatus(node, 'leaf');
    // A leaf is not split: its path text is no longer needed.
    this.pathTexts.delete(id);
    node.leafReason = reason;
    if (detail && detail.length > 0) node.leafDetail = detail;
    return node;
  }

  /** Leaves in depth-first order of the tree (stable, independent of the order they were found). */
  leaves(): TreeNode[] {
    return this.depthFirst().filter((node) => node.status === 'leaf');
  }

  /** Every node, parents before children, children in split order. */
  private depthFirst(): TreeNode[] {
    const nodes: TreeNode[] = [];
    const visit = (node: TreeNode) => {
      nodes.push(node);
      for (const child of node.children) visit(this.get(child));
    };
    visit(this.root);
    return nodes;
  }

  pending(): TreeNode[] {
    return [...this.nodes.values()].filter((node) => node.status === 'pending');
  }

  isComplete(): boolean {
    return this.counts.pending === 0;
  }

  /** Nodes in depth-first order from the root: the same tree gives the same file however it was built. */
  toJSON(): SerializedTree {
    return { schemaVersion: TREE_SCHEMA_VERSION, nodes: this.depthFirst() };
  }

  /**
   * A tree from the JSON of a `tree.json`, checked: its schema version, every node's shape, a root,
   * and every child a node of the file. `file` names the source in errors (a `RunStoreError`).
   */
  static parse(json: unknown, file = 'tree.json'): PartitionTree {
    const data = parseVersioned(serializedTreeSchema, json, file, {
      what: 'tree.json',
      version: TREE_SCHEMA_VERSION,
    });
    const tree = new PartitionTree();
    tree.nodes.clear();
    tree.counts.pending = 0;
    for (const node of data.nodes) {
      if (tree.nodes.has(node.id))
        throw new RunStoreError({ file, message: `not a valid tree.json: node ${node.id} appears twice` });
      tree.nodes.set(node.id, node);
      tree.counts[node.status]++;
    }
    if (!tree.nodes.has(ROOT_ID))
      throw new RunStoreError({ file, message: 'not a valid tree.json: it has no root node' });
    for (const node of tree.nodes.values()) {
      for (const child of node.children)
        if (!tree.nodes.has(child))
          throw new RunStoreError({
            file,
            message: `not a valid tree.json: node ${node.id} names a child ${child} that is not in the file`,
          });
    }
    return tree;
  }
}

/** The number of infinite steps on a path: a leaf under k of them is sampled base^k times. */
export function infiniteDepth(steps: readonly NodeStep[]): number {
  return steps.filter((step) => step.infinite).length;
}

/** Resolve a node's steps to constraints, drawing a value for each infinite step. */
export function drawPath(
  steps: readonly NodeStep[],
  random: () => number,
): { path: PathStep[]; drawn: Record<string, string> } {
  const path: PathStep[] = [];
  const drawn: Record<string, string> = {};
  for (const step of steps) {
    if (step.infinite) {
      const value = step.values[Math.floor(random() * step.values.length)]!;
      drawn[step.dimension] = value;
      path.push({ dimension: step.dimension, value });
    } else path.push({ dimension: step.dimension, value: step.value });
  }
  return { path, drawn };
}

/** Dimensions used on the way to a node. */
export function usedDimensions(steps: readonly NodeStep[]): string[] {
  return steps.map((step) => step.dimension);
}
