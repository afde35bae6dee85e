import { ConfigError } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import {
  leafLabel,
  leafTargets,
  paperWeights,
  parseTargetCounts,
  proportionalTargets,
  uniformTargets,
} from './leaf-targets.js';
import { testTree } from './test-tree.fixture.js';

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

describe('uniformTargets', () => {
  it('spreads the total evenly, the remainder to evenly spaced leaves', () => {
    expect(uniformTargets(4, 10)).toEqual([3, 2, 3, 2]);
    expect(uniformTargets(4, 8)).toEqual([2, 2, 2, 2]);
    expect(uniformTargets(4, 1)).toEqual([1, 0, 0, 0]);
    expect(uniformTargets(3, 0)).toEqual([0, 0, 0]);
    expect(uniformTargets(1, 7)).toEqual([7]);
    expect(uniformTargets(0, 7)).toEqual([]);
  });

  it('gives the remainder first to leaves holding more than the even share', () => {
    expect(uniformTargets(4, 10, [0, 5, 0, 5])).toEqual([2, 3, 2, 3]);
    expect(uniformTargets(4, 1, [0, 0, 3, 0])).toEqual([0, 0, 1, 0]);
    // 3 rows over 6 leaves, 2 leaves hold rows: both keep one, the third goes by stride to the rest.
    expect(uniformTargets(6, 3, [0, 2, 0, 0, 1, 0])).toEqual([1, 1, 0, 0, 1, 0]);
    expect(uniformTargets(4, 10, [0, 0, 0, 0])).toEqual([3, 2, 3, 2]);
  });

  it('always sums to the total and differs by at most one', () => {
    for (const [leaves, total] of [
      [7, 100],
      [13, 5],
      [50, 1234],
    ] as const) {
      const targets = uniformTargets(leaves, total);
      expect(sum(targets)).toBe(total);
      expect(Math.max(...targets) - Math.min(...targets)).toBeLessThanOrEqual(1);
    }
  });
});

describe('proportionalTargets', () => {
  it('splits in proportion, largest remainder first, ties to the earlier index', () => {
    expect(proportionalTargets([10, 10, 50, 10], 16)).toEqual([2, 2, 10, 2]);
    expect(proportionalTargets([10, 10, 50, 10], 10)).toEqual([2, 1, 6, 1]);
    expect(proportionalTargets([1, 2], 10)).toEqual([3, 7]);
    expect(proportionalTargets([0, 0], 10)).toEqual([0, 0]);
    // Equal fractions: the leaf that holds more rows than its floor wins the tie.
    expect(proportionalTargets([10, 10, 50, 10], 10, [0, 0, 0, 4])).toEqual([1, 1, 6, 2]);
  });
});

describe('paper targets', () => {
  it('weighs a leaf under k infinite nodes by 10·5^k', () => {
    const leaves = testTree().leaves();
    expect(paperWeights(leaves)).toEqual([10, 10, 50, 10]);
    expect(paperWeights(leaves, 10)).toEqual([10, 10, 100, 10]);
    expect(leafTargets(leaves, [4, 4, 4, 4], { kind: 'paper' })).toEqual([2, 2, 10, 2]);
    expect(leafTargets(leaves, [4, 4, 4, 4], { kind: 'paper', total: 80 })).toEqual([10, 10, 50, 10]);
  });
});

describe('leafLabel', () => {
  it('joins the path, an infinite step as *', () => {
    expect(testTree().leaves().map(leafLabel)).toEqual([
      'topic: algebra > level: easy',
      'topic: algebra > level: hard',
      'topic: geometry > shape: *',
      'topic: counting',
    ]);
  });
});

describe('parseTargetCounts', () => {
  const leaves = testTree().leaves();
  const ids = leaves.map((leaf) => leaf.id);

  it('accepts leaf ids and paths (spacing and case aside); unnamed leaves keep their count', () => {
    const counts = parseTargetCounts(
      { [ids[0]!]: 5, 'Topic:Algebra>level : hard': 3, 'topic: geometry > shape: *': 0 },
      leaves,
    );
    expect([...counts]).toEqual([
      [ids[0], 5],
      [ids[1], 3],
      [ids[2], 0],
    ]);
    expect(leafTargets(leaves, [1, 1, 1, 9], { kind: 'counts', counts })).toEqual([5, 3, 0, 9]);
  });

  it('takes "*" as the count of every leaf not named', () => {
    const counts = parseTargetCounts({ '*': 4, 'topic: counting': 1 }, leaves);
    expect(ids.map((id) => counts.get(id))).toEqual([4, 4, 4, 1]);
  });

  it.each([
    [[1, 2], /targets.json: expected a JSON object/],
    [{ 'topic: nope': 3 }, /targets.json: "topic: nope": no leaf of the tree has this id or path/],
    [{ 'topic: counting': -1 }, /targets.json: "topic: counting": expected a whole number >= 0, got -1/],
    [{ 'topic: counting': 2.5 }, /"topic: counting": expected a whole number >= 0, got 2.5/],
    [{ 'topic: counting': '3' }, /"topic: counting": expected a whole number >= 0, got "3"/],
    [{ 'topic: algebra': 3 }, /"topic: algebra": no leaf/],
  ])('rejects %j with a one-line error naming the key', (value, message) => {
    let error: unknown;
    try {
      parseTargetCounts(value, leaves, 'targets.json');
    } catch (caught) {
      error = caught;
    }
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });

  it('rejects a leaf named twice, by id and by path', () => {
    expect(() => parseTargetCounts({ [ids[3]!]: 1, 'topic: counting': 2 }, leaves, 'targets.json')).toThrow(
      `targets.json: "topic: counting": leaf ${ids[3]} is already given by "${ids[3]}"`,
    );
  });
});
