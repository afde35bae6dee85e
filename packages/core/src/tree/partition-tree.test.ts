import { describe, expect, it } from 'vitest';
import type { NodeStep } from '../spec/sample.js';
import { sha256, stableStringify } from '../util/hash.js';
import { nodeId, pathText } from './node-id.js';
import { type NodeSplit, PartitionTree } from './partition-tree.js';

const split = (dimension: string, values: string[], infinite = false): NodeSplit => ({
  dimension,
  values,
  infinite,
  fixed: false,
  pivots: [],
  assignments: [],
  coverageRounds: 0,
  rejections: [],
});

describe('node ids', () => {
  it('stay what earlier versions wrote into run folders', () => {
    expect(nodeId([])).toBe('root');
    expect(nodeId([{ dimension: 'topic', value: 'money' }])).toBe('n0eed7f324bdb');
    expect(
      nodeId([
        { dimension: 'topic', value: 'money' },
        { dimension: 'size', values: ['a', 'b'], infinite: true },
        { dimension: 'ünï "q"', value: 'x,y' },
      ]),
    ).toBe('nec1a69fa61e3');
  });

  it('of split children are the hash of their whole path, at every depth and after a reload', () => {
    const tree = new PartitionTree();
    const [money, time] = tree.applySplit('root', split('topic', ['money', 'time']));
    const [many] = tree.applySplit(money!.id, split('amount', ['1', '2', '3'], true));
    // A tree read back from tree.json has no texts kept: its children's ids are the same.
    const reloaded = PartitionTree.parse(JSON.parse(JSON.stringify(tree.toJSON())));
    for (const built of [tree, reloaded]) {
      const deep = built.applySplit(many!.id, split('tone', ['calm', 'a "quoted", comma']));
      const beside = built.applySplit(time!.id, split('unit', ['hours'], true));
      for (const node of [...deep, ...beside, many!, money!, time!]) {
        const steps: NodeStep[] = built.get(node.id).steps;
        expect(node.id).toBe(`n${sha256(stableStringify(steps)).slice(0, 12)}`);
        expect(node.id).toBe(nodeId(steps));
      }
      expect(deep.map((node) => node.steps.length)).toEqual([3, 3]);
    }
    expect(tree.toJSON()).toEqual(reloaded.toJSON());
  });
});

describe('pathText', () => {
  it('is stableStringify of the path without its brackets, for every shape a step takes', () => {
    const paths: NodeStep[][] = [
      [],
      [{ dimension: 'a', value: 'b' }],
      [{ dimension: 'a', value: 'b', infinite: false }],
      [{ dimension: 'ü "x"', values: ['1', 'z,y', '\\n'], infinite: true }],
      [
        { dimension: 'a', values: [], infinite: true },
        { dimension: 'b', value: '' },
      ],
      // Not a step the engine makes, but one a hand-edited tree.json could hold.
      [{ dimension: 'a', value: 'b', extra: 1 } as NodeStep, { value: 'b', dimension: 'a' }],
    ];
    for (const steps of paths) expect(`[${pathText(steps)}]`).toBe(stableStringify(steps));
  });
});
