import { describe, expect, it } from 'vitest';
import type { Route } from '../routing/route-types.js';
import { planBalance } from './balance-plan.js';
import { routeTo, testTree } from './test-tree.fixture.js';

const tree = testTree();
const [easy, hard, shapes, counting] = tree.leaves().map((leaf) => leaf.id) as [
  string,
  string,
  string,
  string,
];

/** 12 rows: 8 in `easy`, 2 in `hard`, 1 in `counting`, 1 unrouted; `shapes` empty. */
function skewedRoutes(): Route[] {
  return [
    ...Array.from({ length: 8 }, () => routeTo(easy)),
    routeTo(hard),
    routeTo(null, 'llm answered no option 3 times at root'),
    routeTo(hard),
    routeTo(counting),
  ];
}

describe('planBalance', () => {
  it('sets uniform targets over the routed rows, drops the excess and plans the shortfall', () => {
    const plan = planBalance({ tree, routes: skewedRoutes(), target: { kind: 'uniform' }, seed: 3 });
    expect(plan.target).toEqual({ kind: 'uniform', total: 11 });
    expect(
      plan.leaves.map(({ leafId, current, target, drop, synthesize, unfilled }) => ({
        leafId,
        current,
        target,
        drop,
        synthesize,
        unfilled,
      })),
    ).toEqual([
      { leafId: easy, current: 8, target: 3, drop: 5, synthesize: 0, unfilled: 0 },
      { leafId: hard, current: 2, target: 3, drop: 0, synthesize: 1, unfilled: 0 },
      { leafId: shapes, current: 0, target: 3, drop: 0, synthesize: 3, unfilled: 0 },
      { leafId: counting, current: 1, target: 2, drop: 0, synthesize: 1, unfilled: 0 },
    ]);
    expect(plan.totals).toEqual({
      rows: 12,
      routed: 11,
      unrouted: 1,
      target: 11,
      kept: 6,
      dropped: 5,
      synthesize: 5,
      unfilled: 0,
    });
    expect(plan.unrouted).toEqual([{ index: 9, reason: 'llm answered no option 3 times at root' }]);
    // 3 of the 8 easy rows, every other routed row, never the unrouted one.
    expect(plan.keep.slice(0, 8).filter(Boolean)).toHaveLength(3);
    expect(plan.keep.slice(8)).toEqual([true, false, true, true]);
  });

  it('downsamples reproducibly for a seed', () => {
    const keep = (seed: number) =>
      planBalance({ tree, routes: skewedRoutes(), target: { kind: 'uniform' }, seed }).keep;
    expect(keep(3)).toEqual(keep(3));
    const seeds = new Set(Array.from({ length: 10 }, (_, seed) => JSON.stringify(keep(seed))));
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('spreads an overall synthesis cap evenly and reports what is left unfilled', () => {
    const plan = planBalance({
      tree,
      routes: skewedRoutes(),
      target: { kind: 'uniform', total: 40 },
      maxSynthesized: 12,
    });
    expect(plan.leaves.map((leaf) => leaf.target)).toEqual([10, 10, 10, 10]);
    // Shortfalls 2, 8, 10, 9: water-filling 12 gives 2, then 3 + 4 over the rest (remainder spread).
    expect(plan.leaves.map((leaf) => leaf.synthesize)).toEqual([2, 4, 3, 3]);
    expect(plan.leaves.map((leaf) => leaf.unfilled)).toEqual([0, 4, 7, 6]);
    expect(plan.totals.synthesize).toBe(12);
    expect(plan.totals.unfilled).toBe(17);
    expect(plan.caps).toEqual({ maxSynthesized: 12 });
  });

  it('caps synthesis per leaf', () => {
    const plan = planBalance({
      tree,
      routes: skewedRoutes(),
      target: { kind: 'uniform', total: 40 },
      maxSynthesizedPerLeaf: 5,
    });
    expect(plan.leaves.map((leaf) => leaf.synthesize)).toEqual([2, 5, 5, 5]);
    expect(plan.leaves.map((leaf) => leaf.unfilled)).toEqual([0, 3, 5, 4]);
  });

  it('follows given counts and keeps unnamed leaves as they are', () => {
    const plan = planBalance({
      tree,
      routes: skewedRoutes(),
      target: { kind: 'counts', counts: new Map([[easy, 4]]), source: 'targets.json' },
    });
    expect(plan.target).toEqual({ kind: 'counts', total: 7, source: 'targets.json' });
    expect(plan.leaves.map((leaf) => [leaf.target, leaf.drop, leaf.synthesize])).toEqual([
      [4, 4, 0],
      [2, 0, 0],
      [0, 0, 0],
      [1, 0, 0],
    ]);
  });

  it('weighs leaves under infinite nodes with the paper target', () => {
    const plan = planBalance({ tree, routes: skewedRoutes(), target: { kind: 'paper', total: 16 } });
    expect(plan.leaves.map((leaf) => leaf.target)).toEqual([2, 2, 10, 2]);
    expect(plan.leaves.map((leaf) => leaf.infiniteDepth)).toEqual([0, 0, 1, 0]);
  });

  it('rejects a route to a node that is not a leaf', () => {
    expect(() => planBalance({ tree, routes: [routeTo(tree.root.id)], target: { kind: 'uniform' } })).toThrow(
      /route 0: leaf root is not a leaf of the tree/,
    );
  });
});
