import { describe, expect, it } from 'vitest';
import type { EngineConfigInput } from '../config/engine-config.js';
import { parsePromptSections, STAGE_SCHEMA_NAMES } from '../prompts/prompt-layout.js';
import type { ChatCallOptions } from '../spec/chat-model.js';
import { parseTask } from '../tasks/load-task.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import { ScriptedChatModel } from '../test/scripted-chat-model.js';
import type { TreeNode } from '../tree/partition-tree.js';
import {
  readAllEvents,
  testConfig,
  testRuntime,
  testStore,
  toyReply,
  toyTask,
} from './engine-runtime.fixture.js';
import { TreeBuilder } from './tree-builder.js';

/** Build the tree from the root with `reply` answering the model; returns what the builder did. */
async function build(options: {
  reply: (call: ChatCallOptions) => unknown;
  config?: EngineConfigInput;
  task?: TaskDefinition;
}) {
  const config = testConfig(options.config);
  const store = await testStore(config);
  const model = new ScriptedChatModel(options.reply as never);
  const kit = testRuntime({ store, model, config, task: options.task });
  const found: TreeNode[] = [];
  const builder = new TreeBuilder(kit.runtime, (leaf) => found.push(leaf));
  expect(builder.complete).toBe(false);
  builder.start(kit.state.tree.root);
  expect(builder.idle).toBe(false);
  await kit.settle();
  const events = await readAllEvents(store);
  await store.close();
  expect(kit.errors).toEqual([]);
  expect(builder.complete).toBe(true);
  return { ...kit, builder, found, events, model };
}

/** The toy world's answers, with the criterion answer replaced. */
function withCriterion(criterion: (call: ChatCallOptions) => object) {
  return (call: ChatCallOptions) =>
    call.responseFormat?.name === STAGE_SCHEMA_NAMES.criterion ? criterion(call) : toyReply(call);
}

/** The toy world's answers, with coverage open-ended, four new values a round. */
function openEndedCoverage(call: ChatCallOptions) {
  if (call.responseFormat?.name !== STAGE_SCHEMA_NAMES.coverage) return toyReply(call);
  const sections = parsePromptSections(call.messages.map((message) => message.content).join('\n'));
  const known = (sections.get('Known values') ?? '').split('\n').filter(Boolean).length;
  return { status: 'open-ended', new_values: [0, 1, 2, 3].map((offset) => `extra${known + offset}`) };
}

describe('TreeBuilder', () => {
  it('expands to the configured depth: a split per inner node, a leaf event per leaf, each leaf reported', async () => {
    const { state, found, events, model } = await build({
      reply: toyReply,
      config: { tree: { depth: 2, pivots: 4 } },
    });
    expect(state.tree.counts).toEqual({ pending: 0, split: 3, leaf: 4 });
    expect(found.map((leaf) => leaf.id).sort()).toEqual(
      state.tree
        .leaves()
        .map((leaf) => leaf.id)
        .sort(),
    );
    expect(found.every((leaf) => leaf.leafReason === 'max-depth' && leaf.depth === 2)).toBe(true);
    expect(events.filter((event) => event.type === 'node-split')).toHaveLength(3);
    expect(events.filter((event) => event.type === 'node-leaf')).toHaveLength(4);
    const rootSplit = state.tree.root.split!;
    expect(rootSplit).toMatchObject({
      dimension: 'level0',
      values: ['0a', '0b'],
      infinite: false,
      coverageRounds: 1,
    });
    expect(rootSplit.pivots).toHaveLength(4);
    expect(model.calls.slice(0, 3).map((call) => call.callKey)).toEqual([
      'pivots:root',
      'criterion:root:0',
      'coverage:root:0',
    ]);
  });

  it('splits a fixed level without model calls', async () => {
    const task = parseTask({
      ...toyTask,
      fixedLevels: [{ dimension: 'subject', values: ['algebra', 'geometry', 'algebra'] }],
    });
    const { state, model } = await build({ reply: toyReply, task, config: { tree: { depth: 1 } } });
    expect(model.calls).toEqual([]);
    expect(state.tree.root.split).toMatchObject({
      dimension: 'subject',
      values: ['algebra', 'geometry'],
      fixed: true,
    });
  });

  it('rejects criteria that fail the checks, up to the attempts, then makes the node a leaf saying why', async () => {
    // Every pivot goes to both values.
    const reply = withCriterion(() => ({
      dimension: 'colour',
      assignments: [
        { value: 'red', pivots: [1, 2] },
        { value: 'blue', pivots: [1, 2] },
      ],
    }));
    const { state, found, model } = await build({
      reply,
      config: { tree: { depth: 2, pivots: 2, criterionAttempts: 3 } },
    });
    expect(model.callsFor(STAGE_SCHEMA_NAMES.criterion).map((call) => call.callKey)).toEqual([
      'criterion:root:0',
      'criterion:root:1',
      'criterion:root:2',
    ]);
    expect(found).toEqual([state.tree.root]);
    expect(state.tree.root.leafReason).toBe('no-criterion');
    expect(state.tree.root.leafDetail?.map((line) => line.slice(0, 10))).toEqual([
      'attempt 1:',
      'attempt 2:',
      'attempt 3:',
    ]);
  });

  it('makes a node with fewer than two pivots, or none that parse, a leaf', async () => {
    const one = await build({
      reply: (call) =>
        call.responseFormat?.name === STAGE_SCHEMA_NAMES.pivots
          ? { samples: [{ question: 'q' }] }
          : toyReply(call),
    });
    expect(one.state.tree.root).toMatchObject({
      leafReason: 'no-pivots',
      leafDetail: ['1 pivot(s) returned'],
    });
    const broken = await build({ reply: () => 'not json', config: { structuredRepairs: 0 } });
    expect(broken.state.tree.root.leafReason).toBe('pivots-failed');
    expect(broken.model.callsFor(STAGE_SCHEMA_NAMES.criterion)).toEqual([]);
  });

  it('asks for coverage until the cap, then splits into one infinite child', async () => {
    const { state, model } = await build({
      reply: openEndedCoverage,
      config: { tree: { depth: 1, coverageCap: 8, coverageRounds: 5 } },
    });
    const split = state.tree.root.split!;
    // 2 values from the criterion, then 4 a round: the cap is reached in the second round.
    expect(split).toMatchObject({ infinite: true, coverageRounds: 2 });
    expect(split.values).toHaveLength(10);
    expect(model.callsFor(STAGE_SCHEMA_NAMES.coverage)).toHaveLength(2);
    expect(state.tree.root.children).toHaveLength(1);
  });

  it('stops asking for coverage after the round bound', async () => {
    const { state, model } = await build({
      reply: openEndedCoverage,
      config: { tree: { depth: 1, coverageCap: 50, coverageRounds: 1 } },
    });
    expect(state.tree.root.split).toMatchObject({ infinite: false, coverageRounds: 1 });
    expect(state.tree.root.split!.values).toHaveLength(6);
    expect(model.callsFor(STAGE_SCHEMA_NAMES.coverage)).toHaveLength(1);
  });
});
