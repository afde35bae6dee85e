import { type ChatCallOptions, loadTask, parseEngineConfig, STAGE_SCHEMA_NAMES } from '@treesynth/core';
import { ScriptedChatModel } from '@treesynth/core/test';
import { describe, expect, it } from 'vitest';
import { synthesizeShortfalls } from './synthesize-shortfalls.js';
import { testTree } from './test-tree.fixture.js';

const task = loadTask('gsm8k');
const tree = testTree();
const [easy, , shapes, counting] = tree.leaves().map((leaf) => leaf.id) as [string, string, string, string];
const config = parseEngineConfig({ synthesis: { samplesPerCall: 3 }, seed: 5, concurrency: 2 });

/** Answers a leaf call with `size` questions named after the call key, or with what `override` says. */
function leafModel(override?: (options: ChatCallOptions, size: number) => object | undefined) {
  return new ScriptedChatModel((options) => {
    const text = options.messages.map((message) => message.content).join('\n');
    const size = Number(/Write exactly (\d+)/.exec(text)?.[1] ?? 3);
    const custom = override?.(options, size);
    if (custom) return custom;
    return {
      samples: Array.from({ length: size }, (_, index) => ({ question: `${options.callKey} #${index}` })),
    };
  });
}

describe('synthesizeShortfalls', () => {
  it('makes the engine’s leaf calls: keys, sizes, ids and provenance', async () => {
    const model = leafModel();
    const result = await synthesizeShortfalls({
      tree,
      task,
      model,
      config,
      requests: [
        { leafId: easy, count: 4 },
        { leafId: counting, count: 0 },
        { leafId: shapes, count: 2 },
      ],
    });
    expect(model.calls.every((call) => call.responseFormat?.name === STAGE_SCHEMA_NAMES.leaf)).toBe(true);
    expect(model.calls.map((call) => call.callKey).sort()).toEqual(
      [`leaf:${easy}:0`, `leaf:${easy}:1`, `leaf:${shapes}:0`].sort(),
    );
    expect(result.leaves.map((leaf) => leaf.leafId)).toEqual([easy, shapes]);
    const [first, second] = result.leaves;
    expect(first!.records.map((record) => record.id)).toEqual([
      `${easy}.0.0`,
      `${easy}.0.1`,
      `${easy}.0.2`,
      `${easy}.1.0`,
    ]);
    expect(first!.records[0]).toMatchObject({
      leaf_id: easy,
      path: [
        { dimension: 'topic', value: 'algebra' },
        { dimension: 'level', value: 'easy' },
      ],
      drawn: {},
      call: { index: 0, model: 'scripted-model' },
    });
    // The infinite step is drawn per call and recorded.
    const drawn = second!.records[0]!.drawn.shape;
    expect(['circle', 'square', 'triangle']).toContain(drawn);
    expect(second!.records[0]!.path[1]).toEqual({ dimension: 'shape', value: drawn });
    expect(result.samples).toBe(6);
    expect(result.unfilled).toBe(0);
    expect(result.usage.stages.leaf?.calls).toBe(3);
  });

  it('asks again for what a short answer left out, within a bounded number of calls', async () => {
    // Every answer holds one sample: 5 wanted in calls of 3 → 2 calls, then extra calls for the rest.
    const model = leafModel((options) => ({ samples: [{ question: `${options.callKey}` }] }));
    const result = await synthesizeShortfalls({
      tree,
      task,
      model,
      config,
      requests: [{ leafId: easy, count: 5 }],
      extraCalls: 2,
    });
    expect(model.calls).toHaveLength(4);
    expect(result.leaves[0]!.records).toHaveLength(4);
    expect(result.leaves[0]!.unfilled).toBe(1);
    expect(result.unfilled).toBe(1);
  });

  it('counts unusable answers against the allowance, reports them, and never loops', async () => {
    const model = new ScriptedChatModel(() => 'not json at all');
    const warnings: string[] = [];
    const result = await synthesizeShortfalls({
      tree,
      task,
      model,
      config: { ...config, structuredRepairs: 0 },
      requests: [{ leafId: counting, count: 3 }],
      extraCalls: 1,
      logger: { info() {}, debug() {}, warn: (message) => warnings.push(message) },
    });
    expect(model.calls).toHaveLength(2);
    expect(result.leaves[0]).toMatchObject({ calls: 2, failedCalls: 2, unfilled: 3, records: [] });
    expect(result.leaves[0]!.errors[0]).toMatch(/^call 0: /);
    expect(warnings[0]).toMatch(/3 of 3 samples not synthesized after 2 calls/);
  });

  it('stops on an error that is not the answer’s fault', async () => {
    const model = new ScriptedChatModel(() => {
      throw new Error('disk full');
    });
    await expect(
      synthesizeShortfalls({ tree, task, model, config, requests: [{ leafId: easy, count: 3 }] }),
    ).rejects.toThrow('disk full');
  });

  it('gives the same samples for the same seed', async () => {
    const run = async () =>
      (
        await synthesizeShortfalls({
          tree,
          task,
          model: leafModel(),
          config,
          requests: [{ leafId: shapes, count: 7 }],
        })
      ).leaves[0]!.records.map((record) => record.drawn.shape);
    expect(await run()).toEqual(await run());
  });
});
