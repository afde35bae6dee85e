import { describe, expect, it } from 'vitest';
import { TreeSynthError } from '../errors/treesynth-error.js';
import { fixedSplit } from '../tree/fixed-split.js';
import { testConfig, toyTask } from './engine-runtime.fixture.js';
import { createEngineState, type EngineState } from './engine-state.js';
import { estimateStageTwo, type OutcomeInput, runOutcome, summarizeRun } from './run-summary.js';

/** Root split on `kind` into three leaves (two at max depth, one without a criterion), one split infinite. */
function finishedState(pivots: object[] = []): EngineState {
  const state = createEngineState();
  const [first, second] = state.tree.applySplit('root', {
    ...fixedSplit('kind', ['a', 'b']),
    pivots: pivots as never,
  });
  const [inner] = state.tree.applySplit(first!.id, {
    ...fixedSplit('item', ['x', 'y', 'z']),
    infinite: true,
  });
  state.tree.markLeaf(inner!.id, 'max-depth');
  state.tree.markLeaf(second!.id, 'no-criterion', ['attempt 1: vague']);
  return state;
}

const ok: OutcomeInput = { fatal: undefined, aborted: false, treeOnly: false, before: { status: 'running' } };

describe('runOutcome', () => {
  it('says complete, awaiting-batch or incomplete from the leaf calls', () => {
    const state = createEngineState();
    expect(runOutcome(state, ok)).toEqual({ status: 'complete', error: undefined });
    state.samples = 4;
    state.failedCalls = 2;
    state.lastFailure = 'bad JSON';
    expect(runOutcome(state, ok)).toEqual({
      status: 'incomplete',
      error: '2 leaf calls failed after their retries (last: bad JSON)',
    });
    state.deferredCalls = 1;
    expect(runOutcome(state, ok).status).toBe('awaiting-batch');
  });

  it('says why a run with no samples is incomplete', () => {
    const state = createEngineState();
    state.failedCalls = 1;
    state.lastFailure = 'HTTP 503';
    expect(runOutcome(state, ok).error).toBe(
      'no samples: the endpoint gave no usable answer to the one leaf call (last: HTTP 503)',
    );
    state.failedCalls = 3;
    expect(runOutcome(state, ok).error).toBe(
      'no samples: the endpoint gave no usable answer to any of the 3 leaf calls (last: HTTP 503)',
    );
  });

  it('puts a failure and an interruption before everything else', () => {
    const state = createEngineState();
    state.failedCalls = 1;
    const fatal = new TreeSynthError({ code: 'write', message: 'disk full' });
    expect(runOutcome(state, { ...ok, fatal, aborted: true })).toEqual({
      status: 'failed',
      error: 'disk full',
    });
    expect(runOutcome(state, { ...ok, fatal: 'plain' }).error).toBe('plain');
    expect(runOutcome(createEngineState(), { ...ok, aborted: true })).toEqual({
      status: 'interrupted',
      error: undefined,
    });
  });

  it('stage one only: tree-built, a finished status kept, interrupted once stage two had begun', () => {
    const treeOnly = { ...ok, treeOnly: true };
    expect(runOutcome(createEngineState(), treeOnly).status).toBe('tree-built');
    expect(
      runOutcome(createEngineState(), { ...treeOnly, before: { status: 'complete', error: 'kept' } }),
    ).toEqual({
      status: 'complete',
      error: 'kept',
    });
    const begun = createEngineState();
    begun.failedBefore.add('leaf:0');
    expect(runOutcome(begun, treeOnly).status).toBe('interrupted');
  });
});

describe('summarizeRun', () => {
  it('counts nodes, leaves by reason, and leaf calls by status', () => {
    const state = finishedState();
    Object.assign(state, {
      leafCallsPlanned: 7,
      failedCalls: 1,
      deferredCalls: 2,
      samples: 30,
      simulated: true,
    });
    for (const id of ['a:0', 'a:1', 'a:2']) state.doneCalls.add(id);
    state.usage.add('leaf', { promptTokens: 5, completionTokens: 6 }, false);
    const summary = summarizeRun(state, {
      status: 'incomplete',
      error: 'why',
      elapsedMs: 12.6,
      task: toyTask,
      config: testConfig(),
    });
    expect(summary).toEqual({
      status: 'incomplete',
      error: 'why',
      nodes: 4,
      splitNodes: 2,
      leaves: 2,
      leafReasons: { 'max-depth': 1, 'no-criterion': 1 },
      maxDepthReached: 2,
      infiniteNodes: 1,
      leafCalls: { planned: 7, done: 3, failed: 1, deferred: 2 },
      samples: 30,
      usage: state.usage.report(),
      elapsedMs: 13,
      simulated: true,
    });
  });

  it('adds the budget, the repair and, for a built tree, the estimate', () => {
    const state = finishedState();
    state.budget = { maxSamples: 5, demand: 20, planned: 5, message: 'budget: ...' };
    state.repaired = { rowsFromCache: 1, rowsRequested: 0, rowsMissing: 0, duplicatesDropped: 0 };
    const config = testConfig();
    const summary = summarizeRun(state, {
      status: 'tree-built',
      error: undefined,
      elapsedMs: 0,
      task: toyTask,
      config,
    });
    expect(summary.budget).toBe(state.budget);
    expect(summary.repaired).toBe(state.repaired);
    expect(summary.estimate).toEqual(estimateStageTwo(state.tree, toyTask, config));
    expect('error' in summary).toBe(false);
    expect(
      summarizeRun(state, { status: 'complete', error: undefined, elapsedMs: 0, task: toyTask, config })
        .estimate,
    ).toBe(undefined);
  });
});

describe('estimateStageTwo', () => {
  it("counts each leaf's calls and samples, base^k for an infinite leaf, and sizes answers by the pivots", () => {
    const pivot = { question: 'x'.repeat(80) };
    const state = finishedState([pivot, pivot]);
    const config = testConfig({ synthesis: { samplesPerCall: 10, infiniteMultiplierBase: 3 } });
    const estimate = estimateStageTwo(state.tree, toyTask, config);
    // The infinite leaf asks for 3 × 10 samples in three calls, the other for 10 in one.
    expect(estimate).toMatchObject({ leafCalls: 4, samples: 40 });
    const sampleChars = JSON.stringify(pivot).length;
    expect(estimate.completionTokens).toBe(
      Math.ceil((sampleChars * 30) / 4) + Math.ceil((sampleChars * 10) / 4),
    );
    expect(estimate.promptTokens).toBeGreaterThan(0);
  });

  it('spreads a budget first, and sizes answers at 400 characters without pivots', () => {
    const state = finishedState();
    const unbounded = estimateStageTwo(
      state.tree,
      toyTask,
      testConfig({ synthesis: { infiniteMultiplierBase: 1 } }),
    );
    const capped = estimateStageTwo(
      state.tree,
      toyTask,
      testConfig({ maxSamples: 15, synthesis: { infiniteMultiplierBase: 1 } }),
    );
    expect(unbounded).toMatchObject({ leafCalls: 2, samples: 20, completionTokens: 2 * 1000 });
    expect(capped).toMatchObject({ leafCalls: 2, samples: 15, completionTokens: 800 + 700 });
    expect(capped.promptTokens).toBe(unbounded.promptTokens);
  });
});
