import { describe, expect, it } from 'vitest';
import type { ChatResult } from '../spec/chat-model.js';
import type { RunEvent } from '../store/run-events.js';
import { ScriptedChatModel } from '../test/scripted-chat-model.js';
import { hash32 } from '../util/hash.js';
import { testConfig } from './engine-runtime.fixture.js';
import { createEngineState } from './engine-state.js';
import { stageContextFactory } from './model-calls.js';
import { Scheduler } from './scheduler.js';

function setup(answer: (callNumber: number) => ChatResult) {
  const config = testConfig({ seed: 7 });
  const state = createEngineState();
  const recorded: RunEvent[] = [];
  let progressed = 0;
  const model = new ScriptedChatModel((_, callNumber) => answer(callNumber));
  const stageContext = stageContextFactory({
    model,
    config,
    scheduler: new Scheduler(2),
    state,
    signal: new AbortController().signal,
    logger: { info() {}, warn() {}, debug() {} },
    record: (event) => recorded.push(event),
    progress: () => progressed++,
  });
  return { stageContext, state, recorded, model, progressed: () => progressed };
}

const usage = { promptTokens: 3, completionTokens: 4 };
const message = [{ role: 'user' as const, content: 'hi' }];

describe('stageContextFactory', () => {
  it('seeds each call from the run seed and its key, counts it and records it', async () => {
    const { stageContext, state, recorded, model, progressed } = setup(() => ({ text: 'ok', usage }));
    const context = stageContext('tree', 'node:root');
    await context.generate({ messages: message, callKey: 'pivots:root', stage: 'pivots' });
    expect(model.calls[0]!.seed).toBe(hash32('7:pivots:root'));
    expect(model.calls[0]!.refresh).toBeUndefined();
    expect(state.usage.report().stages).toEqual({
      pivots: { calls: 1, cachedCalls: 0, promptTokens: 3, cachedPromptTokens: 0, completionTokens: 4 },
    });
    expect(recorded).toEqual([
      { type: 'call', stage: 'pivots', key: 'pivots:root', usage, cached: false, ms: expect.any(Number) },
    ]);
    expect(progressed()).toBe(1);
    // The random stream depends on the run seed and the key only.
    expect(context.random()).toBe(stageContext('leaf', 'node:root').random());
    expect(context.random()).not.toBe(stageContext('tree', 'node:other').random());
  });

  it('passes refresh for a call that failed before, and marks a simulated answer', async () => {
    const { stageContext, state, model } = setup(() => ({ text: 'ok', usage, modelId: 'simulated/toy' }));
    await stageContext('leaf', 'leaf:a:0', true).generate({ messages: message, callKey: 'leaf:a:0' });
    expect(model.calls[0]!.refresh).toBe(true);
    expect(state.simulated).toBe(true);
  });

  it('notes a repair call, or its structured retries, that the cache could not answer', async () => {
    const { stageContext, state } = setup((callNumber) => ({ text: 'ok', usage, cached: callNumber === 0 }));
    state.repairing.set('leaf:a:0', { paid: false });
    const context = stageContext('leaf', 'leaf:a:0');
    await context.generate({ messages: message, callKey: 'leaf:a:0' });
    expect(state.repairing.get('leaf:a:0')).toEqual({ paid: false });
    await context.generate({ messages: message, callKey: 'leaf:a:0#repair1' });
    expect(state.repairing.get('leaf:a:0')).toEqual({ paid: true });
    expect(state.usage.totals()).toMatchObject({ calls: 1, cachedCalls: 1 });
  });
});
