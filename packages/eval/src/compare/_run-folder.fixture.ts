import { loadTask, PartitionTree, parseEngineConfig, RunStore, type SampleRecord } from '@treesynth/core';
import { fixedSplit } from '@treesynth/core/internal';

/**
 * Writes a small TreeSynth run folder through core's RunStore: a gsm8k task, a root split into
 * `topic: algebra | geometry` (both leaves), and `questions` per leaf, appended in reverse id order
 * (as a run whose later calls finished first). Returns the leaf ids.
 */
export async function writeRunFolder(dir: string, questions: Record<string, readonly string[]>) {
  const task = loadTask('gsm8k');
  const store = await RunStore.create(dir, {
    fingerprint: 'test',
    task,
    config: parseEngineConfig({}),
    model: { provider: 'test', modelId: 'fixture' },
    simulated: true,
  });
  const tree = new PartitionTree();
  const children = tree.applySplit(tree.root.id, fixedSplit('topic', Object.keys(questions)));
  for (const child of children) tree.markLeaf(child.id, 'max-depth');
  const records: SampleRecord[] = children.flatMap((leaf, leafIndex) => {
    const value = Object.keys(questions)[leafIndex]!;
    return questions[value]!.map((question, position) => ({
      id: `${leaf.id}.0.${position}`,
      leaf_id: leaf.id,
      path: [{ dimension: 'topic', value }],
      drawn: {},
      call: { index: 0, model: 'fixture', simulated: true },
      fields: { question, answer: '#### 1' },
    }));
  });
  await store.writeTree(tree);
  await store.appendSamples(records.reverse());
  await store.update({ status: 'complete' });
  await store.close();
  return children.map((leaf) => leaf.id);
}
