import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EngineConfigInput } from '../config/engine-config.js';
import { STAGE_SCHEMA_NAMES } from '../prompts/prompt-layout.js';
import type { ChatCallOptions } from '../spec/chat-model.js';
import { ScriptedChatModel } from '../test/scripted-chat-model.js';
import { fixedSplit } from '../tree/fixed-split.js';
import type { TreeNode } from '../tree/partition-tree.js';
import {
  readAllEvents,
  requested,
  sampleReply,
  testConfig,
  testRuntime,
  testStore,
} from './engine-runtime.fixture.js';
import { createEngineState, type EngineState, recordMade } from './engine-state.js';
import { LeafSampler } from './leaf-sampler.js';

/** A state whose tree is the root split into `count` leaves. */
function stateWithLeaves(count: number): { state: EngineState; leaves: TreeNode[] } {
  const state = createEngineState();
  const values = Array.from({ length: count }, (_, index) => `v${index}`);
  const children = state.tree.applySplit('root', fixedSplit('kind', values));
  for (const child of children) state.tree.markLeaf(child.id, 'max-depth');
  return { state, leaves: children };
}

async function setup(options: {
  config?: EngineConfigInput;
  leaves?: number;
  reply?: (call: ChatCallOptions) => unknown;
  treeOnly?: boolean;
}) {
  const config = testConfig({ synthesis: { samplesPerCall: 10 }, ...options.config });
  const store = await testStore(config);
  const model = new ScriptedChatModel((options.reply ?? sampleReply) as never);
  const { state, leaves } = stateWithLeaves(options.leaves ?? 1);
  const kit = testRuntime({ store, model, config, state });
  const sampler = new LeafSampler(kit.runtime, {
    modelId: model.modelId,
    concurrency: config.concurrency,
    treeOnly: options.treeOnly,
  });
  /** Start calls until the sampler is done, as the engine's loop does. */
  const drain = async () => {
    for (let round = 0; round < 100 && !sampler.finished; round++) {
      sampler.startCalls();
      await kit.settle();
    }
  };
  const rows = () =>
    readFileSync(store.file('samples'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { id: string; leaf_id: string; call: { index: number } });
  return { ...kit, store, model, sampler, leaves, drain, rows };
}

describe('LeafSampler.callsToMake', () => {
  it('plans full calls of samplesPerCall, then one for the remainder', async () => {
    const { sampler, leaves, store } = await setup({});
    expect(sampler.callsToMake(leaves[0]!.id, 25)).toEqual([
      { index: 0, size: 10 },
      { index: 1, size: 10 },
      { index: 2, size: 5 },
    ]);
    expect(sampler.callsToMake(leaves[0]!.id, 0)).toEqual([]);
    await store.close();
  });

  it('skips the calls made before and tops a raised budget up with new indices', async () => {
    const { sampler, leaves, state, store } = await setup({});
    const leaf = leaves[0]!.id;
    recordMade(state, leaf, 0, 10);
    recordMade(state, leaf, 1, 10);
    recordMade(state, leaf, 2, 5);
    // The same budget: nothing left to do.
    expect(sampler.callsToMake(leaf, 25)).toEqual([]);
    // 25 made of 40: call 3 at its planned size, then a call for the 5 still needed.
    expect(sampler.callsToMake(leaf, 40)).toEqual([
      { index: 3, size: 10 },
      { index: 4, size: 5 },
    ]);
    await store.close();
  });

  it('makes a call whose rows were lost again, at the size it had', async () => {
    const { sampler, leaves, state, store } = await setup({});
    const leaf = leaves[0]!.id;
    recordMade(state, leaf, 0, 7);
    expect(sampler.callsToMake(leaf, 20)).toEqual([
      { index: 1, size: 10 },
      { index: 2, size: 3 },
    ]);
    state.repairing.set(`leaf:${leaf}:0`, { paid: false });
    expect(sampler.callsToMake(leaf, 20)).toEqual([
      { index: 0, size: 7 },
      { index: 1, size: 10 },
      { index: 2, size: 3 },
    ]);
    await store.close();
  });
});

describe('LeafSampler', () => {
  it('samples each leaf as it is found, one row per sample asked for, ids by leaf, call and position', async () => {
    const { sampler, leaves, state, drain, rows, model, store } = await setup({
      config: { synthesis: { samplesPerCall: 4, infiniteMultiplierBase: 2 } },
      leaves: 2,
    });
    expect(sampler.needsWholeTree).toBe(false);
    for (const leaf of leaves) sampler.leafFound(leaf);
    expect(state.leafCallsPlanned).toBe(2);
    await drain();
    await store.close();
    expect(rows().map((row) => row.id)).toEqual(
      expect.arrayContaining(
        leaves.flatMap((leaf) => [0, 1, 2, 3].map((position) => `${leaf.id}.0.${position}`)),
      ),
    );
    expect(rows()).toHaveLength(8);
    expect(state.samples).toBe(8);
    expect(state.doneCalls).toEqual(new Set(leaves.map((leaf) => `${leaf.id}:0`)));
    expect(model.calls.map((call) => call.callKey).sort()).toEqual(
      leaves.map((leaf) => `leaf:${leaf.id}:0`).sort(),
    );
    const events = await readAllEvents(store);
    expect(events.filter((event) => event.type === 'leaf-call')).toHaveLength(2);
  });

  it('with a budget, waits for the whole tree, then spreads the budget and says so', async () => {
    const { sampler, leaves, state, drain, rows, model, store, warnings } = await setup({
      config: { maxSamples: 25 },
      leaves: 4,
    });
    expect(sampler.needsWholeTree).toBe(true);
    for (const leaf of leaves) sampler.leafFound(leaf);
    sampler.planIfReady(false);
    expect(state.leafCallsPlanned).toBe(0);
    expect(sampler.finished).toBe(false);

    sampler.planIfReady(true);
    const message =
      'budget: the tree asks for 40 samples over 4 leaves; --max-samples 25 spreads 25 evenly (4 leaves get samples, at most 7 each)';
    expect(state.budget).toEqual({ maxSamples: 25, demand: 40, planned: 25, message });
    expect(warnings).toEqual([message]);
    expect(state.leafCallsPlanned).toBe(4);
    await drain();
    await store.close();
    expect(sampler.finished).toBe(true);
    expect(rows()).toHaveLength(25);
    // Each call asked for exactly its leaf's share.
    expect(model.calls.map(requested).sort()).toEqual([6, 6, 6, 7]);
    const events = await readAllEvents(store);
    expect(events.find((event) => event.type === 'budget')).toEqual({
      type: 'budget',
      maxSamples: 25,
      demand: 40,
      planned: 25,
      leaves: 4,
    });
  });

  it('tops a leaf up to a raised target, keeping the calls made before', async () => {
    const { sampler, leaves, state, drain, rows, model, store } = await setup({});
    const leaf = leaves[0]!;
    sampler.enqueue(leaf, 15);
    await drain();
    expect(rows()).toHaveLength(15);
    sampler.enqueue(leaf, 32);
    // Each enqueue counts the leaf's calls made before and its new ones (2, then 2 + 3).
    expect(state.leafCallsPlanned).toBe(2 + 5);
    await drain();
    await store.close();
    expect(rows()).toHaveLength(32);
    expect(model.calls.map((call) => [call.callKey, requested(call)])).toEqual([
      [`leaf:${leaf.id}:0`, 10],
      [`leaf:${leaf.id}:1`, 5],
      // The calls of callSizes(32) at their planned size, then one for what is still needed.
      [`leaf:${leaf.id}:2`, 10],
      [`leaf:${leaf.id}:3`, 2],
      [`leaf:${leaf.id}:4`, 5],
    ]);
  });

  it('appends only the rows samples.jsonl lacks, and counts a repair answered by the cache', async () => {
    const { sampler, leaves, state, drain, rows, store } = await setup({
      reply: (call) => ({
        text: JSON.stringify(sampleReply(call)),
        usage: { promptTokens: 1, completionTokens: 1 },
        cached: true,
      }),
    });
    const leaf = leaves[0]!;
    recordMade(state, leaf.id, 0, 3);
    state.existingIds = new Set([`${leaf.id}.0.0`]);
    state.samples = 1;
    state.repairing.set(`leaf:${leaf.id}:0`, { paid: false });
    state.repaired = { rowsFromCache: 0, rowsRequested: 0, rowsMissing: 2, duplicatesDropped: 0 };
    sampler.enqueue(leaf, 3);
    await drain();
    await store.close();
    expect(rows().map((row) => row.id)).toEqual([`${leaf.id}.0.1`, `${leaf.id}.0.2`]);
    expect(state.samples).toBe(3);
    expect(state.repaired).toEqual({
      rowsFromCache: 2,
      rowsRequested: 0,
      rowsMissing: 0,
      duplicatesDropped: 0,
    });
    expect(state.repairing.size).toBe(0);
  });

  it('records a call whose answers never fit, and asks past the cache when it failed before', async () => {
    const { sampler, leaves, state, drain, model, store } = await setup({ reply: () => 'not json' });
    const leaf = leaves[0]!;
    state.failedBefore.add(`${leaf.id}:0`);
    sampler.enqueue(leaf, 10);
    await drain();
    await store.close();
    expect(state.failedCalls).toBe(1);
    expect(state.doneCalls).toEqual(new Set([`${leaf.id}:0`]));
    expect(state.lastFailure).not.toBe('');
    expect(model.calls.length).toBeGreaterThan(0);
    expect(model.calls.every((call) => call.refresh === true)).toBe(true);
    const failures = (await readAllEvents(store)).filter((event) => event.type === 'leaf-call-failed');
    expect(failures).toEqual([
      { type: 'leaf-call-failed', leaf: leaf.id, index: 0, error: state.lastFailure },
    ]);
    expect(model.callsFor(STAGE_SCHEMA_NAMES.leaf).length).toBe(model.calls.length);
  });

  it('makes no leaf calls with tree-only', async () => {
    const { sampler, leaves, drain, model, store } = await setup({ treeOnly: true });
    for (const leaf of leaves) sampler.enqueue(leaf);
    sampler.planIfReady(true);
    await drain();
    await store.close();
    expect(sampler.finished).toBe(true);
    expect(model.calls).toEqual([]);
  });
});
