import {
  type ChatMessage,
  loadTask,
  type PathStep,
  STAGE_SCHEMA_NAMES,
  wrapChatModel,
} from '@treesynth/core';
import { leafPrompt, pivotPrompt } from '@treesynth/core/internal';
import { ScriptedChatModel } from '@treesynth/core/test';
import { describe, expect, it } from 'vitest';
import { prefixShare, prefixShareMiddleware } from './prefix-share.js';

const task = loadTask('gsm8k');
const parent: PathStep[] = [
  { dimension: 'difficulty', value: 'two-step problems with small whole numbers' },
  { dimension: 'setting', value: 'shopping at a market' },
];
const topics = ['fractions', 'percentages', 'unit prices', 'change from a bill', 'discounts', 'ratios'];
/** The leaves under one parent: the same path but for the last step. */
const siblings = topics.map((topic) => [...parent, { dimension: 'topic', value: topic }]);

const leafPrompts = siblings.map((path) =>
  leafPrompt({ task, path, count: 10, temperature: 1, callKey: `leaf:${path.at(-1)?.value}` }),
);

describe('prefixShare', () => {
  it('finds that leaf prompts of sibling leaves share most of their prefix', () => {
    const report = prefixShare(leafPrompts);
    expect(report.calls).toBe(topics.length);
    expect(report.share).toBeGreaterThan(0.6);
    // The second of two siblings repeats the first up to the subspace's last value: all but the
    // request, which follows it.
    const pair = prefixShare(leafPrompts.slice(0, 2));
    expect(pair.sharedChars / (pair.promptChars / 2)).toBeGreaterThan(0.8);
  });

  it('finds that pivot prompts of sibling nodes share most of their prefix', () => {
    const pivots = siblings.map((path) =>
      pivotPrompt({ task, path, count: 10, temperature: 1, callKey: 'p' }),
    );
    expect(prefixShare(pivots).share).toBeGreaterThan(0.6);
  });

  it('tells a static-part-first layout from one that puts the changing part first', () => {
    // The same content with the subspace moved to the front of the user message.
    const dynamicFirst = leafPrompts.map((messages): ChatMessage[] => {
      const [system, user] = messages as [ChatMessage, ChatMessage];
      const at = user.content.indexOf('# Subspace');
      return [system, { role: 'user', content: `${user.content.slice(at)}\n${user.content.slice(0, at)}` }];
    });
    const staticFirst = prefixShare(leafPrompts).share;
    const changingFirst = prefixShare(dynamicFirst).share;
    expect(changingFirst).toBeLessThan(staticFirst - 0.3);
  });

  it('compares each call with the previous call of the same stage only', () => {
    const pivots = siblings.map((path) =>
      pivotPrompt({ task, path, count: 10, temperature: 1, callKey: 'p' }),
    );
    const interleaved = leafPrompts.flatMap((messages, index) => [
      { messages, stage: 'leaf' },
      {
        messages: pivots[index]!,
        responseFormat: { type: 'json_schema' as const, name: 'treesynth_pivots', schema: {} },
      },
    ]);
    const report = prefixShare(interleaved);
    expect(Object.keys(report.groups)).toEqual(['leaf', STAGE_SCHEMA_NAMES.pivots]);
    expect(report.groups.leaf).toEqual(prefixShare(leafPrompts).groups.all);
    expect(report.calls).toBe(2 * topics.length);
    expect(report.sharedChars).toBe(
      report.groups.leaf!.sharedChars + report.groups.treesynth_pivots!.sharedChars,
    );
  });

  it('counts identical prompts as wholly shared after the first, and nothing as 0', () => {
    const same: ChatMessage[] = [{ role: 'user', content: 'abc' }];
    const report = prefixShare([same, same, same, same]);
    expect(report.share).toBeCloseTo(0.75, 10);
    expect(prefixShare([])).toEqual({ calls: 0, promptChars: 0, sharedChars: 0, share: 0, groups: {} });
  });

  it('measures the calls that pass through a model, leaving them unchanged', async () => {
    const meter = prefixShareMiddleware();
    const model = new ScriptedChatModel();
    const wrapped = wrapChatModel({ model, middleware: [meter] });
    for (const messages of leafPrompts) await wrapped.doGenerate({ messages, stage: 'leaf' });
    expect(model.calls.map((entry) => entry.messages)).toEqual(leafPrompts);
    expect(meter.report()).toEqual({
      ...prefixShare(leafPrompts),
      groups: { leaf: prefixShare(leafPrompts).groups.all },
    });
  });
});
