import {
  type Embedder,
  type NodeSplit,
  PartitionTree,
  parseTask,
  type SampleFields,
  type TaskDefinition,
} from '@treesynth/core';
import { ROOT_ID } from '@treesynth/core/internal';

export const fruitTask: TaskDefinition = parseTask({
  name: 'fruit',
  description: 'Short notes about things.',
  fields: [{ name: 'text', description: 'the note' }],
});

/**
 * A keyword embedder with a known geometry: one dimension per vocabulary word (its count in the
 * text) plus dimension 0, which every text gets `bias` of: a common direction like the one real
 * sentence encoders share across a task. Not normalised (the routers normalise).
 */
export function keywordEmbedder(vocabulary: readonly string[], bias = 0): Embedder & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'keywords',
    dimensions: vocabulary.length + 1,
    maxEmbeddingsPerCall: 3,
    calls,
    async doEmbed({ values }) {
      calls.push(values);
      return {
        embeddings: values.map((text) => {
          const vector = new Float32Array(vocabulary.length + 1);
          vector[0] = bias;
          const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
          for (const word of words) {
            const index = vocabulary.indexOf(word);
            if (index >= 0) vector[index + 1]! += 1;
          }
          return vector;
        }),
      };
    },
  };
}

export function split(
  dimension: string,
  values: string[],
  options: { pivots?: SampleFields[]; assignments?: NodeSplit['assignments']; infinite?: boolean } = {},
): NodeSplit {
  return {
    dimension,
    values,
    infinite: options.infinite ?? false,
    fixed: false,
    pivots: options.pivots ?? [],
    assignments: options.assignments ?? [],
    coverageRounds: 0,
    rejections: [],
  };
}

/** Split the root with `rootSplit` and make every child a leaf; returns the tree and children by value. */
export function oneLevelTree(rootSplit: NodeSplit): { tree: PartitionTree; child: Map<string, string> } {
  const tree = new PartitionTree();
  const children = tree.applySplit(ROOT_ID, rootSplit);
  const child = new Map<string, string>();
  children.forEach((node, index) => {
    tree.markLeaf(node.id, 'max-depth');
    child.set(rootSplit.infinite ? '*' : rootSplit.values[index]!, node.id);
  });
  return { tree, child };
}
