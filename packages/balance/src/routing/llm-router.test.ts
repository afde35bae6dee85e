import { type ChatModel, PartitionTree, STAGE_SCHEMA_NAMES } from '@treesynth/core';
import { ROOT_ID } from '@treesynth/core/internal';
import { createOpenAICompatible } from '@treesynth/providers';
import { type Simulator, startSimulator } from '@treesynth/simulator';
import { ROUTE_INVALID_MARKER, ROUTE_INVALID_ONCE_MARKER } from '@treesynth/simulator/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fruitTask, keywordEmbedder, split } from './_test-trees.fixture.js';
import { type CreateRouterOptions, createRouter } from './create-router.js';
import { unsureDecisions } from './hybrid-router.js';
import { createLlmRouter } from './llm-router.js';

const VOCABULARY = ['apple', 'banana', 'cherry', 'red', 'green'];

/** fruit ∈ {apple, banana, cherry}; apple splits again on colour ∈ {red, green}. */
function fruitTree() {
  const tree = new PartitionTree();
  const [apple, banana, cherry] = tree.applySplit(ROOT_ID, split('fruit', ['apple', 'banana', 'cherry']));
  tree.markLeaf(banana!.id, 'max-depth');
  tree.markLeaf(cherry!.id, 'max-depth');
  const [red, green] = tree.applySplit(apple!.id, split('colour', ['red', 'green']));
  tree.markLeaf(red!.id, 'max-depth');
  tree.markLeaf(green!.id, 'max-depth');
  return {
    tree,
    ids: { apple: apple!.id, banana: banana!.id, cherry: cherry!.id, red: red!.id, green: green!.id },
  };
}

/** Counts route requests in flight at once, around a real model. */
function tracked(model: ChatModel) {
  const state = { active: 0, most: 0 };
  const wrapped: ChatModel = {
    ...model,
    specificationVersion: 'v1',
    provider: model.provider,
    modelId: model.modelId,
    async doGenerate(options) {
      state.active++;
      state.most = Math.max(state.most, state.active);
      try {
        return await model.doGenerate(options);
      } finally {
        state.active--;
      }
    },
  };
  return { model: wrapped, state };
}

describe('LLM router against the simulator', () => {
  let simulator: Simulator;
  let model: ChatModel;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3, latencyMs: 2 });
    model = createOpenAICompatible({ baseURL: simulator.url, apiKey: 'test' }).chat('simulated');
  });
  afterAll(() => simulator.close());
  /** A hybrid router over the keyword embedder and the simulator, with the options given. */
  const hybridRouter = (
    tree: PartitionTree,
    options: Pick<CreateRouterOptions, 'marginThreshold' | 'llmShare' | 'maxAttempts' | 'selfTraining'>,
  ) =>
    createRouter({
      kind: 'hybrid',
      tree,
      task: fruitTask,
      model,
      embedder: keywordEmbedder(VOCABULARY),
      ...options,
    });

  it('classifies one level per call, sending the node path and the values as options', async () => {
    const { tree, ids } = fruitTree();
    const router = createRouter({ kind: 'llm', tree, task: fruitTask, model });
    const before = simulator.stats().byStage.route;
    const routes = await router.route(['a green apple', 'banana bread', 'red apple pie', 'cherry jam']);
    expect(routes.map((route) => route.leafId)).toEqual([ids.green, ids.banana, ids.red, ids.cherry]);
    expect(routes[0]).toMatchObject({
      decidedBy: 'llm',
      similarity: null,
      margin: null,
      path: [
        { dimension: 'fruit', value: 'apple' },
        { dimension: 'colour', value: 'green' },
      ],
    });
    expect(routes[0]!.levels.map((level) => level.decidedBy)).toEqual(['llm', 'llm']);
    // Two apples take two levels, the others one: 6 calls, all seen by the simulator as route requests.
    expect(router.stats()).toMatchObject({ samples: 4, llmCalls: 6, unrouted: 0, textsEmbedded: 0 });
    expect(simulator.stats().byStage.route - before).toBe(6);
  });

  it('retries an answer that is no option, then records it and the sample as unrouted', async () => {
    const { tree, ids } = fruitTree();
    const router = createRouter({ kind: 'llm', tree, task: fruitTask, model, maxAttempts: 2 });
    const routes = await router.route([
      `a cherry ${ROUTE_INVALID_MARKER}`,
      `a banana ${ROUTE_INVALID_ONCE_MARKER}`,
      'a cherry',
    ]);
    expect(routes[0]).toMatchObject({
      leafId: null,
      unrouted: expect.stringContaining('answered no option 2 time(s) at root (fruit)'),
    });
    expect(routes[0]!.levels).toEqual([
      expect.objectContaining({
        nodeId: ROOT_ID,
        unmatchedAnswers: [expect.stringContaining('none of the listed options'), expect.any(String)],
      }),
    ]);
    // Invalid once: the retry is accepted and the first answer kept.
    expect(routes[1]).toMatchObject({ leafId: ids.banana });
    expect(routes[1]!.levels[0]!.unmatchedAnswers).toHaveLength(1);
    expect(routes[2]!.leafId).toBe(ids.cherry);
    expect(router.stats()).toMatchObject({ samples: 3, llmCalls: 2 + 2 + 1, unrouted: 1 });
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    const { tree } = fruitTree();
    const { model: counted, state } = tracked(model);
    const router = createLlmRouter({ tree, task: fruitTask, model: counted, concurrency: 2 });
    const routes = await router.route(Array.from({ length: 12 }, (_, index) => `sample ${index} banana`));
    expect(routes.every((route) => route.leafId !== null)).toBe(true);
    expect(state.most).toBe(2);
  });

  it('hybrid: asks the LLM only where the embedding margin is small, and reports the calls saved', async () => {
    const { tree, ids } = fruitTree();
    const texts = [
      'a green apple',
      'banana bread',
      'cherry jam',
      'red apple',
      // An apple for sure, but equally red and green: margin 0, so the LLM decides the colour.
      'a red and green apple',
      'banana',
      'cherry',
    ];
    const llmOnly = createRouter({ kind: 'llm', tree, task: fruitTask, model });
    const hybrid = hybridRouter(tree, { marginThreshold: 0.05 });
    const [byLlm, byHybrid] = [await llmOnly.route(texts), await hybrid.route(texts)];
    expect(byHybrid.map((route) => route.leafId)).toEqual(byLlm.map((route) => route.leafId));
    expect(byHybrid[0]!.leafId).toBe(ids.green);
    const tie = byHybrid[4]!;
    expect(tie.levels.map((level) => level.decidedBy)).toEqual(['embedding', 'llm']);
    expect(tie.decidedBy).toBe('hybrid');
    expect(byHybrid[1]!.levels[0]).toMatchObject({ decidedBy: 'embedding' });
    const [llmStats, hybridStats] = [llmOnly.stats(), hybrid.stats()];
    expect(hybridStats.llmCalls).toBeGreaterThan(0);
    expect(hybridStats.llmCalls).toBeLessThan(llmStats.llmCalls);
    expect(hybridStats.llmCallsSaved).toBe(llmStats.llmCalls - hybridStats.llmCalls);
    expect(hybridStats.textsEmbedded).toBeGreaterThan(0);
  });

  it('hybrid: when the LLM names no option, the embedding choice stands with the answers recorded', async () => {
    const { tree, ids } = fruitTree();
    const hybrid = hybridRouter(tree, { marginThreshold: 0.05, maxAttempts: 2 });
    const [route] = await hybrid.route([`apple banana ${ROUTE_INVALID_MARKER}`]);
    expect([ids.banana, ids.red, ids.green]).toContain(route!.leafId);
    expect(route!.levels[0]).toMatchObject({
      decidedBy: 'embedding',
      unmatchedAnswers: [expect.any(String), expect.any(String)],
    });
    expect(hybrid.stats()).toMatchObject({ unrouted: 0 });
  });

  it('hybrid with naive Bayes EM: the word model gets the texts, the LLM the least certain share', async () => {
    const { tree, ids } = fruitTree();
    const texts = ['a green apple', 'banana bread', 'cherry jam', 'red apple', 'banana split'];
    const hybrid = hybridRouter(tree, { llmShare: 0.2, selfTraining: 'naive-bayes-em' });
    const routes = await hybrid.route(texts);
    expect(routes.map((route) => route.path[0]!.value)).toEqual([
      'apple',
      'banana',
      'cherry',
      'apple',
      'banana',
    ]);
    expect(routes[2]!.leafId).toBe(ids.cherry);
    // Root: round(0.2 · 5) = 1 asked; the colour node (2 apples): round(0.2 · 2) = 0.
    expect(hybrid.stats().llmCalls).toBe(1);
  });

  it('hybrid: without a threshold, asks the LLM about the least certain share of each node', async () => {
    const { tree, ids } = fruitTree();
    const texts = ['a green apple', 'banana bread', 'cherry jam', 'red apple', 'a red and green apple'];
    const hybrid = hybridRouter(tree, { llmShare: 0.4 });
    const routes = await hybrid.route(texts);
    // Root: round(0.4 · 5) = 2 asked; the colour node (3 apples): round(0.4 · 3) = 1, the tie.
    expect(routes.flatMap((route) => route.levels).filter((level) => level.decidedBy === 'llm')).toHaveLength(
      3,
    );
    expect(routes[4]!.levels[1]).toMatchObject({ decidedBy: 'llm' });
    expect(routes[0]!.leafId).toBe(ids.green);
    expect(hybrid.stats().llmCalls).toBe(3);
    expect(() =>
      createRouter({
        kind: 'hybrid',
        tree,
        task: fruitTask,
        model,
        embedder: keywordEmbedder([]),
        llmShare: 2,
      }),
    ).toThrow(/llmShare.*from 0 to 1/);
  });

  it('hybrid: picks the smallest margins by share, or those below a fixed threshold', () => {
    const decisions = [0.5, 0.1, 0.3, 0.1, 0.9].map((margin) => ({
      nodeId: 'n',
      childId: 'c',
      dimension: 'd',
      value: 'v',
      margin,
      decidedBy: 'embedding' as const,
    }));
    expect([...unsureDecisions(decisions, undefined, 0.4)].sort()).toEqual([1, 3]);
    expect([...unsureDecisions(decisions, undefined, 0.6)].sort()).toEqual([1, 2, 3]);
    expect(unsureDecisions(decisions, undefined, 0).size).toBe(0);
    expect([...unsureDecisions(decisions, 0.4, 0.2)].sort()).toEqual([1, 2, 3]);
  });

  it('names its structured request treesynth_route', () => {
    expect(STAGE_SCHEMA_NAMES.route).toBe('treesynth_route');
  });
});
