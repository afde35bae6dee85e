import { ConfigError, infiniteDepth, type PartitionTree } from '@treesynth/core';
import { spreadBudget } from '@treesynth/core/internal';
import type { Route } from '../routing/route-types.js';
import { downsample } from './downsample.js';
import { leafLabel, leafTargets, type TargetSpec } from './leaf-targets.js';

/** What balancing does to one leaf. */
export interface LeafPlan {
  leafId: string;
  /** The leaf's path as one line (`topic: algebra > level: easy`; an infinite step reads `dimension: *`). */
  label: string;
  /** Infinite steps on the leaf's path. */
  infiniteDepth: number;
  /** Rows routed here. */
  current: number;
  target: number;
  /** Rows left out by seeded downsampling: max(0, current − target). */
  drop: number;
  /** Samples to synthesize: the shortfall max(0, target − current), within the caps. */
  synthesize: number;
  /** Shortfall the caps leave for later: max(0, target − current) − synthesize. */
  unfilled: number;
}

export interface BalancePlanTotals {
  /** Rows given to the planner (one route each). */
  rows: number;
  routed: number;
  unrouted: number;
  /** Sum of the leaf targets. */
  target: number;
  kept: number;
  dropped: number;
  synthesize: number;
  unfilled: number;
}

/** A balance plan: per-leaf decisions, and for each input row whether it is kept. */
export interface BalancePlan {
  /** The target rule, with the total it spread (for `counts`, the sum of the resulting targets). */
  target: { kind: TargetSpec['kind']; total: number; source?: string };
  seed: number;
  /** Caps that applied to synthesis; absent when none was given. */
  caps: { maxSynthesized?: number; maxSynthesizedPerLeaf?: number };
  /** In the tree's leaf order (depth first). */
  leaves: LeafPlan[];
  totals: BalancePlanTotals;
  /** Rows that no leaf took, by index into the routes, with the router's reason. */
  unrouted: { index: number; reason: string }[];
  /** One per route: whether that row goes into the balanced dataset. Unrouted rows are never kept. */
  keep: boolean[];
}

export interface PlanBalanceOptions {
  tree: PartitionTree;
  /** One per input row, in input order. */
  routes: readonly Route[];
  target: TargetSpec;
  /** Seeds downsampling; each leaf draws from its own stream (`<seed>:downsample:<leaf id>`). */
  seed?: number;
  /** Samples synthesized in all, at most; spread evenly over the leaves that fall short. */
  maxSynthesized?: number;
  /** Samples synthesized in one leaf, at most. */
  maxSynthesizedPerLeaf?: number;
}

/**
 * Plan a rebalance: count the rows routed to each leaf, set each leaf's target, keep a seeded draw of
 * `target` rows in leaves that hold more, and plan the shortfall of leaves that hold fewer for
 * synthesis. Synthesis is capped per leaf and overall; the overall cap is shared out evenly by
 * water-filling (core's `spreadBudget`), so no leaf is starved to fill another. Pure and deterministic.
 */
export function planBalance(options: PlanBalanceOptions): BalancePlan {
  const { tree, routes, target } = options;
  const seed = options.seed ?? 0;
  const leaves = tree.leaves();
  const position = new Map(leaves.map((leaf, index) => [leaf.id, index]));
  const rowsByLeaf = leaves.map((): number[] => []);
  const unrouted: BalancePlan['unrouted'] = [];
  routes.forEach((route, index) => {
    if (route.leafId === null) {
      unrouted.push({ index, reason: route.unrouted ?? 'not routed' });
      return;
    }
    const at = position.get(route.leafId);
    if (at === undefined)
      throw new ConfigError({
        path: `route ${index}`,
        message: `leaf ${route.leafId} is not a leaf of the tree`,
      });
    rowsByLeaf[at]!.push(index);
  });

  const current = rowsByLeaf.map((rows) => rows.length);
  const targets = leafTargets(leaves, current, target);
  const shortfalls = targets.map((leafTarget, index) => Math.max(0, leafTarget - current[index]!));
  const perLeaf = shortfalls.map((shortfall) =>
    Math.min(shortfall, options.maxSynthesizedPerLeaf ?? Number.POSITIVE_INFINITY),
  );
  const synthesize =
    options.maxSynthesized === undefined ? perLeaf : spreadBudget(perLeaf, options.maxSynthesized);

  const keep = routes.map(() => false);
  const leafPlans = leaves.map((leaf, index): LeafPlan => {
    const rows = rowsByLeaf[index]!;
    for (const row of downsample(rows, targets[index]!, `${seed}:downsample:${leaf.id}`)) keep[row] = true;
    return {
      leafId: leaf.id,
      label: leafLabel(leaf),
      infiniteDepth: infiniteDepth(leaf.steps),
      current: rows.length,
      target: targets[index]!,
      drop: Math.max(0, rows.length - targets[index]!),
      synthesize: synthesize[index]!,
      unfilled: shortfalls[index]! - synthesize[index]!,
    };
  });

  const sum = (pick: (leaf: LeafPlan) => number) => leafPlans.reduce((total, leaf) => total + pick(leaf), 0);
  const routed = routes.length - unrouted.length;
  const totalTarget = sum((leaf) => leaf.target);
  return {
    target: {
      kind: target.kind,
      total: target.kind === 'counts' ? totalTarget : (target.total ?? routed),
      ...(target.kind === 'counts' && target.source ? { source: target.source } : {}),
    },
    seed,
    caps: {
      ...(options.maxSynthesized !== undefined ? { maxSynthesized: options.maxSynthesized } : {}),
      ...(options.maxSynthesizedPerLeaf !== undefined
        ? { maxSynthesizedPerLeaf: options.maxSynthesizedPerLeaf }
        : {}),
    },
    leaves: leafPlans,
    totals: {
      rows: routes.length,
      routed,
      unrouted: unrouted.length,
      target: totalTarget,
      kept: sum((leaf) => leaf.current - leaf.drop),
      dropped: sum((leaf) => leaf.drop),
      synthesize: sum((leaf) => leaf.synthesize),
      unfilled: sum((leaf) => leaf.unfilled),
    },
    unrouted,
    keep,
  };
}
