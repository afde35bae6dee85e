import { AbortedError, type PartitionTree, type PathStep, type TreeNode } from '@treesynth/core';
import { ROOT_ID } from '@treesynth/core/internal';
import type { LevelDecision, RouteProgress } from './route-types.js';

/** One value a split node offers, and the child a sample taking it goes to. */
export interface NodeOption {
  value: string;
  /** For an infinite split, every option leads to its single child. */
  childId: string;
}

/** A split node as the routers see it. */
export interface SplitView {
  node: TreeNode;
  dimension: string;
  infinite: boolean;
  options: NodeOption[];
}

/** A decision for one sample at one node, or why it could not be made. */
export type NodeOutcome = { decision: LevelDecision } | { unrouted: string; unmatchedAnswers?: string[] };

/** What a router knows about a sample while it is on its way down. */
export interface Walker {
  /** The constraints so far, infinite steps resolved to the chosen value. */
  path: PathStep[];
  levels: LevelDecision[];
  leafId: string | null;
  unrouted?: string;
}

/** Decide the child of every sample (by index into the batch) that reached `view`. */
export type DecideAtNode = (
  view: SplitView,
  members: readonly number[],
  walkers: readonly Walker[],
) => Promise<NodeOutcome[]>;

const views = new WeakMap<TreeNode, SplitView>();

/** The options of a split node: one per value and child; an infinite split's values all lead to its child. */
export function splitView(node: TreeNode): SplitView {
  let view = views.get(node);
  if (!view) {
    const split = node.split!;
    const options = split.infinite
      ? split.values.map((value) => ({ value, childId: node.children[0]! }))
      : split.values.map((value, index) => ({ value, childId: node.children[index]! }));
    view = { node, dimension: split.dimension, infinite: split.infinite, options };
    views.set(node, view);
  }
  return view;
}

/**
 * Route a batch down the tree one level at a time: every sample at a node is decided together (the
 * embedding router centres on the group; the LLM router runs the group's calls side by side), then
 * moves to its child. Ends at a leaf, or unrouted with the reason. `count` samples, by index.
 */
export async function walkTree(
  tree: PartitionTree,
  count: number,
  decide: DecideAtNode,
  options: {
    signal?: AbortSignal;
    onProgress?: (progress: Omit<RouteProgress, 'llmCalls'>) => void;
  } = {},
): Promise<Walker[]> {
  const started = performance.now();
  const walkers: Walker[] = Array.from({ length: count }, () => ({ path: [], levels: [], leafId: null }));
  let routed = 0;
  let frontier = new Map<string, number[]>(
    count > 0 ? [[ROOT_ID, Array.from({ length: count }, (_, index) => index)]] : [],
  );
  while (frontier.size > 0) {
    if (options.signal?.aborted) throw new AbortedError(options.signal.reason);
    const next = new Map<string, number[]>();
    const moveTo = (childId: string, member: number) => {
      const group = next.get(childId);
      if (group) group.push(member);
      else next.set(childId, [member]);
    };
    await Promise.all(
      [...frontier].map(async ([nodeId, members]) => {
        const node = tree.get(nodeId);
        if (node.status === 'leaf') {
          for (const member of members) walkers[member]!.leafId = nodeId;
          routed += members.length;
          return;
        }
        if (node.status !== 'split' || !node.split || node.children.length === 0) {
          for (const member of members)
            walkers[member]!.unrouted = `reached ${nodeId}, which is not split yet (the tree is incomplete)`;
          routed += members.length;
          return;
        }
        const view = splitView(node);
        const outcomes = await decide(view, members, walkers);
        outcomes.forEach((outcome, position) => {
          const walker = walkers[members[position]!]!;
          if ('unrouted' in outcome) {
            walker.unrouted = outcome.unrouted;
            if (outcome.unmatchedAnswers) {
              walker.levels.push({
                nodeId,
                childId: '',
                dimension: view.dimension,
                value: '',
                decidedBy: 'llm',
                unmatchedAnswers: outcome.unmatchedAnswers,
              });
            }
            routed++;
            return;
          }
          walker.levels.push(outcome.decision);
          walker.path.push({ dimension: view.dimension, value: outcome.decision.value });
          moveTo(outcome.decision.childId, members[position]!);
        });
      }),
    );
    options.onProgress?.({ routed, total: count, elapsedMs: performance.now() - started });
    frontier = next;
  }
  return walkers;
}
