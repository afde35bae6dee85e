import { ConfigError, PartitionTree } from '@treesynth/core';
import { ROOT_ID } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { fruitTask, keywordEmbedder, oneLevelTree, split } from './_test-trees.fixture.js';
import { createRouter } from './create-router.js';
import { createEmbeddingRouter, describePath } from './embedding-router.js';

const FRUITS = ['apple', 'banana', 'cherry'];

/**
 * Two clusters of rows: half of each names its colour; the other half ("cherry plum", "sky sea")
 * shares no word with either description, only words with the rows that do.
 */
const CLUSTERS = [
  ...Array.from({ length: 6 }, () => 'red cherry plum'),
  ...Array.from({ length: 6 }, () => 'blue sky sea'),
  ...Array.from({ length: 5 }, () => 'cherry plum'),
  ...Array.from({ length: 5 }, () => 'sky sea'),
];
/** The leaf each of CLUSTERS belongs in. */
const clusterLeaves = (child: Map<string, string>) =>
  CLUSTERS.map((text) => child.get(/cherry/.test(text) ? 'red' : 'blue'));

describe('embedding router: known geometry', () => {
  it('routes by the nearest description, with exact similarity and margin (no centring)', async () => {
    const { tree, child } = oneLevelTree(split('fruit', FRUITS));
    const router = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder(FRUITS),
      centering: 'none',
    });
    const [apple, tie] = await router.route(['an apple', 'apple and banana']);
    // "an apple" = e_apple; the description "…\nfruit: apple" = e_apple: cosine 1, runner-up 0.
    expect(apple).toMatchObject({ leafId: child.get('apple'), decidedBy: 'embedding' });
    expect(apple!.path).toEqual([{ dimension: 'fruit', value: 'apple' }]);
    expect(apple!.similarity).toBeCloseTo(1, 6);
    expect(apple!.margin).toBeCloseTo(1, 6);
    expect(apple!.levels).toEqual([
      expect.objectContaining({
        nodeId: ROOT_ID,
        childId: child.get('apple'),
        value: 'apple',
        decidedBy: 'embedding',
      }),
    ]);
    // (e_apple + e_banana)/√2 is equally near apple and banana: cosine 1/√2, margin 0.
    expect(tie!.similarity).toBeCloseTo(Math.SQRT1_2, 6);
    expect(tie!.margin).toBeCloseTo(0, 6);
    expect(['apple', 'banana']).toContain(tie!.path[0]!.value);
  });

  it('centring removes a common direction: same decisions, far larger margins', async () => {
    const { tree, child } = oneLevelTree(split('fruit', FRUITS));
    const texts = Array.from({ length: 30 }, (_, index) => `a ${FRUITS[index % 3]}`);
    const route = (centering: 'batch' | 'none') =>
      createEmbeddingRouter({ tree, task: fruitTask, embedder: keywordEmbedder(FRUITS, 5), centering }).route(
        texts,
      );
    const raw = await route('none');
    const centred = await route('batch');
    raw.forEach((route, index) => {
      expect(route.leafId).toBe(child.get(FRUITS[index % 3]!));
      expect(centred[index]!.leafId).toBe(route.leafId);
    });
    // Raw: every vector is mostly the bias (5, 1): cos to the right description 1, to a wrong one
    // 25/26, margin 1/26. Centred, the bias cancels and the margin is large.
    expect(raw[0]!.margin).toBeCloseTo(1 / 26, 5);
    expect(centred[0]!.margin!).toBeGreaterThan(0.5);
  });

  it('balanced centring keeps a skewed batch skewed; the plain batch mean hides the skew', async () => {
    const { tree, child } = oneLevelTree(split('fruit', ['apple', 'banana']));
    // 90 rows lean to apple (60 pure, 30 at 3:1), 10 are banana.
    const texts = [
      ...Array.from({ length: 60 }, () => 'apple'),
      ...Array.from({ length: 30 }, () => 'apple apple apple banana'),
      ...Array.from({ length: 10 }, () => 'banana'),
    ];
    const applesBy = async (centering: 'balanced' | 'batch' | 'none') => {
      const routes = await createEmbeddingRouter({
        tree,
        task: fruitTask,
        embedder: keywordEmbedder(['apple', 'banana'], 3),
        centering,
      }).route(texts);
      return routes.filter((route) => route.leafId === child.get('apple')).length;
    };
    expect(await applesBy('none')).toBe(90);
    // The batch mean sits deep on apple's side, so the 3:1 rows look like banana relative to it.
    expect(await applesBy('batch')).toBe(60);
    // Every child counting equally puts the centre between the children: the skew survives.
    expect(await applesBy('balanced')).toBe(90);
  });

  it('lets pivots decide when the value names say nothing', async () => {
    const vocabulary = ['apple', 'banana', 'cherry', 'x1', 'x2'];
    const { tree, child } = oneLevelTree(
      split('cluster', ['x1', 'x2'], {
        pivots: [{ text: 'apple' }, { text: 'apple apple' }, { text: 'banana' }, { text: 'cherry banana' }],
        assignments: [
          { value: 'x1', pivots: [0, 1] },
          { value: 'x2', pivots: [2, 3] },
        ],
      }),
    );
    // descriptionWeight 0: prototypes are the pivot centroids alone.
    const router = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder(vocabulary),
      descriptionWeight: 0,
    });
    const routes = await router.route(['apple pie', 'banana bread', 'cherry jam', 'apple']);
    expect(routes.map((route) => route.leafId)).toEqual([
      child.get('x1'),
      child.get('x2'),
      child.get('x2'),
      child.get('x1'),
    ]);
    // With a very heavy description weight the opaque names decide instead: "x1" and "x2" are
    // words of the vocabulary, a sample naming one goes there even against its pivots.
    const named = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder(vocabulary),
      descriptionWeight: 1e6,
    });
    expect((await named.route(['apple x2']))[0]!.leafId).toBe(child.get('x2'));
  });

  it('self-training: rows the descriptions cannot place follow the rows they resemble', async () => {
    const vocabulary = ['red', 'blue', 'cherry', 'plum', 'sky', 'sea'];
    const { tree, child } = oneLevelTree(split('colour', ['red', 'blue']));
    // Half of each cluster names its colour; the other half ("cherry plum", "sky sea") shares no
    // word with either description, only words with the rows that do.
    const texts = CLUSTERS;
    const expected = clusterLeaves(child);
    const route = (selfTraining: boolean) => {
      const router = createEmbeddingRouter({
        tree,
        task: fruitTask,
        embedder: keywordEmbedder(vocabulary, 1),
        selfTraining,
      });
      return { router, routes: router.route(texts) };
    };
    const trained = route(true);
    expect((await trained.routes).map((route) => route.leafId)).toEqual(expected);
    expect(trained.router.stats().selfTraining).toMatchObject({ nodes: 1, unconverged: 0 });
    const untrained = route(false);
    const seeded = (await untrained.routes).map((route) => route.leafId);
    expect(seeded.slice(0, 12)).toEqual(expected.slice(0, 12));
    expect(seeded.slice(12)).not.toEqual(expected.slice(12));
    expect(untrained.router.stats().selfTraining).toBeUndefined();
  });

  it.each(['hard-em', 'soft-em', 'label-spreading'] as const)(
    'learning from the rows (%s): rows the descriptions cannot place follow the rows they resemble, the same on every run',
    async (mode) => {
      const vocabulary = ['red', 'blue', 'cherry', 'plum', 'sky', 'sea'];
      const { tree, child } = oneLevelTree(split('colour', ['red', 'blue']));
      const texts = CLUSTERS;
      const expected = clusterLeaves(child);
      const run = async () => {
        const router = createEmbeddingRouter({
          tree,
          task: fruitTask,
          embedder: keywordEmbedder(vocabulary, 1),
          selfTraining: mode,
        });
        const routes = await router.route(texts);
        return { routes, stats: router.stats().selfTraining };
      };
      const first = await run();
      expect(first.routes.map((route) => route.leafId)).toEqual(expected);
      expect(first.stats).toMatchObject({ nodes: 1, unconverged: 0 });
      expect(first.stats!.rounds).toBeGreaterThan(0);
      const second = await run();
      expect(second.routes).toEqual(first.routes);
    },
  );

  it("naive Bayes EM: learns from the rows' words where the embedding says nothing, the same on every run", async () => {
    const { tree, child } = oneLevelTree(split('colour', ['red', 'blue']));
    // The embedder gives every text the same vector, so only the words can separate the rows. Half
    // of each cluster names its colour; the other half shares no word (and no 4-gram) with either
    // description, only words with the rows that do.
    const texts = CLUSTERS;
    const expected = clusterLeaves(child);
    const run = async (selfTraining?: 'naive-bayes-em') => {
      const router = createEmbeddingRouter({
        tree,
        task: fruitTask,
        embedder: keywordEmbedder([], 1),
        selfTraining,
      });
      return { routes: await router.route(texts), stats: router.stats().selfTraining };
    };
    const first = await run('naive-bayes-em');
    expect(first.routes.map((route) => route.leafId)).toEqual(expected);
    expect(first.stats).toMatchObject({ nodes: 1, unconverged: 0 });
    expect(first.stats!.rounds).toBeGreaterThan(1);
    // Margins are log posterior odds: a row that names its colour is surer than one that does not.
    expect(first.routes[0]!.margin!).toBeGreaterThan(first.routes[12]!.margin!);
    expect(first.routes[12]!.margin!).toBeGreaterThan(0);
    expect((await run('naive-bayes-em')).routes).toEqual(first.routes);
    // Without it, a constant embedding decides every row alike: half of them wrong.
    const untrained = (await run()).routes.map((route) => route.leafId);
    expect(new Set(untrained).size).toBe(1);
  });

  it('naive Bayes EM: pivots seed the words of their value, and character grams match word forms', async () => {
    const { tree, child } = oneLevelTree(
      split('cluster', ['x1', 'x2'], {
        pivots: [{ text: 'walrus tundra' }, { text: 'cactus dune' }],
        assignments: [
          { value: 'x1', pivots: [0] },
          { value: 'x2', pivots: [1] },
        ],
      }),
    );
    const router = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder([], 1),
      selfTraining: 'naive-bayes-em',
    });
    // "walruses" and "cacti" are no pivot's words; their 4-grams (<wal, walr, <cac, cact, ...) are.
    const routes = await router.route(['walruses', 'cacti', 'a walrus', 'the dune']);
    expect(routes.map((route) => route.leafId)).toEqual([
      child.get('x1'),
      child.get('x2'),
      child.get('x1'),
      child.get('x2'),
    ]);
  });

  it('naive Bayes EM refuses embeddings without their texts, naming the option', async () => {
    const { tree } = oneLevelTree(split('fruit', FRUITS));
    const router = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder(FRUITS),
      selfTraining: 'naive-bayes-em',
    });
    const vectors = await router.embed(['apple']);
    await expect(router.routeEmbeddings(vectors)).rejects.toThrow(ConfigError);
    await expect(router.routeEmbeddings(vectors)).rejects.toThrow(/selfTraining/);
  });

  it('measures pivot evidence by Euclidean distance to the centroid, so a broad value keeps its samples', async () => {
    const vocabulary = ['apple', 'banana', 'cherry', 'date'];
    // "broad": one pivot per axis, centroid (¼, ¼, ¼, ¼), close to the middle of everything.
    // "narrow": two pivots at unit(2, 3, 0, 0), far out. For x = e_apple, cosine prefers narrow
    // (0.555 against 0.5); squared distance prefers broad (0.75 against 0.89).
    const { tree, child } = oneLevelTree(
      split('spread', ['broad', 'narrow'], {
        pivots: [
          { text: 'apple' },
          { text: 'banana' },
          { text: 'cherry' },
          { text: 'date' },
          { text: 'apple apple banana banana banana' },
          { text: 'apple apple banana banana banana' },
        ],
        assignments: [
          { value: 'broad', pivots: [0, 1, 2, 3] },
          { value: 'narrow', pivots: [4, 5] },
        ],
      }),
    );
    const router = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder(vocabulary),
      centering: 'none',
      descriptionWeight: 0,
    });
    const [route] = await router.route(['apple']);
    expect(route!.leafId).toBe(child.get('broad'));
    // The reported similarity is still a cosine: to the broad centroid, 0.5.
    expect(route!.similarity).toBeCloseTo(0.5, 6);
  });

  it('scores a value without pivots on its description alone, next to values with pivots', async () => {
    const vocabulary = ['apple', 'banana', 'cherry'];
    const { tree, child } = oneLevelTree(
      split('fruit', ['apple', 'banana', 'cherry'], {
        pivots: [{ text: 'apple' }, { text: 'banana' }],
        assignments: [
          { value: 'apple', pivots: [0] },
          { value: 'banana', pivots: [1] },
        ],
      }),
    );
    const router = createEmbeddingRouter({ tree, task: fruitTask, embedder: keywordEmbedder(vocabulary, 1) });
    const routes = await router.route(['apple', 'banana', 'cherry', 'cherry pie', 'apple tart', 'banana']);
    expect(routes.map((route) => route.path[0]!.value)).toEqual([
      'apple',
      'banana',
      'cherry',
      'cherry',
      'apple',
      'banana',
    ]);
    expect(routes[2]!.leafId).toBe(child.get('cherry'));
  });

  it('routes through an infinite node to the nearest drawn value', async () => {
    const colours = ['red', 'green', 'blue', 'yellow'];
    const { tree, child } = oneLevelTree(split('colour', colours, { infinite: true }));
    const router = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder(colours),
      centering: 'none',
    });
    const routes = await router.route(['a green leaf', 'the blue sea', 'blue and red']);
    const only = child.get('*');
    expect(routes.map((route) => route.leafId)).toEqual([only, only, only]);
    expect(routes[0]!.levels[0]).toMatchObject({ childId: only, dimension: 'colour', value: 'green' });
    expect(routes[1]!.path).toEqual([{ dimension: 'colour', value: 'blue' }]);
    expect(routes[0]!.margin).toBeCloseTo(1, 6);
    // "blue and red": equally near both, a tie between them.
    expect(['blue', 'red']).toContain(routes[2]!.path[0]!.value);
    expect(routes[2]!.margin).toBeCloseTo(0, 6);
  });

  it('walks two levels, keeps the smallest margin, and reports the last similarity', async () => {
    const vocabulary = ['apple', 'banana', 'red', 'green', 'dark'];
    const tree = new PartitionTree();
    const [apple, banana] = tree.applySplit(ROOT_ID, split('fruit', ['apple', 'banana']));
    tree.markLeaf(banana!.id, 'max-depth');
    const [red, green] = tree.applySplit(apple!.id, split('colour', ['red', 'green']));
    tree.markLeaf(red!.id, 'max-depth');
    tree.markLeaf(green!.id, 'max-depth');
    const router = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder(vocabulary),
      centering: 'none',
    });
    const [route] = await router.route(['a green apple']);
    expect(route!.leafId).toBe(green!.id);
    expect(route!.path).toEqual([
      { dimension: 'fruit', value: 'apple' },
      { dimension: 'colour', value: 'green' },
    ]);
    expect(route!.levels.map((level) => level.nodeId)).toEqual([ROOT_ID, apple!.id]);
    expect(route!.margin).toBe(Math.min(...route!.levels.map((level) => level.margin!)));
    expect(route!.similarity).toBe(route!.levels[1]!.similarity);
  });

  it('records samples that reach an unsplit node as unrouted, and counts them', async () => {
    const tree = new PartitionTree();
    const [apple, banana] = tree.applySplit(ROOT_ID, split('fruit', ['apple', 'banana']));
    tree.markLeaf(apple!.id, 'max-depth');
    const router = createEmbeddingRouter({
      tree,
      task: fruitTask,
      embedder: keywordEmbedder(FRUITS),
      centering: 'none',
    });
    const routes = await router.route(['apple', 'banana']);
    expect(routes[0]!.leafId).toBe(apple!.id);
    expect(routes[1]).toMatchObject({ leafId: null, unrouted: expect.stringContaining(banana!.id) });
    expect(router.stats()).toMatchObject({ samples: 2, unrouted: 1, llmCalls: 0 });
  });

  it('routes precomputed vectors exactly as it routes texts, embedding prototypes once', async () => {
    const { tree } = oneLevelTree(
      split('fruit', FRUITS, { pivots: [{ text: 'apple' }], assignments: [{ value: 'apple', pivots: [0] }] }),
    );
    const embedder = keywordEmbedder(FRUITS, 2);
    const router = createEmbeddingRouter({ tree, task: fruitTask, embedder });
    const texts = ['apple', 'banana split', 'cherry', 'apple', 'banana cherry'];
    const fromTexts = await router.route(texts);
    const vectors = (await embedder.doEmbed({ values: texts })).embeddings;
    expect(await router.routeEmbeddings(vectors)).toEqual(fromTexts);
    // 3 descriptions + 1 pivot, once; then 4 distinct texts of the first batch.
    expect(router.stats()).toMatchObject({ samples: 10, textsEmbedded: 4 + 4 });
    expect(await router.routeEmbeddings([])).toEqual([]);
  });

  it('describes a child by the task and its path', () => {
    expect(describePath(fruitTask, [{ dimension: 'fruit', value: 'apple' }], { apple: 'round, crisp' })).toBe(
      'Short notes about things.\nfruit: apple (round, crisp)',
    );
  });
});

describe('createRouter', () => {
  const { tree } = oneLevelTree(split('fruit', FRUITS));
  it('names the missing piece in one line', () => {
    expect(() => createRouter({ kind: 'embedding', tree, task: fruitTask })).toThrow(ConfigError);
    expect(() => createRouter({ kind: 'embedding', tree, task: fruitTask })).toThrow(
      'embedder: the embedding router needs an embedder',
    );
    expect(() => createRouter({ kind: 'llm', tree, task: fruitTask })).toThrow(
      'model: the llm router needs a chat model',
    );
    expect(() =>
      createRouter({ kind: 'hybrid', tree, task: fruitTask, embedder: keywordEmbedder(FRUITS) }),
    ).toThrow('model: the hybrid router needs a chat model');
    expect(() =>
      createRouter({ kind: 'llm', tree, task: fruitTask, model: {} as never, concurrency: 0 }),
    ).toThrow('concurrency: expected a whole number >= 1, got 0');
  });
  it('builds the kind asked for', () => {
    expect(
      createRouter({ kind: 'embedding', tree, task: fruitTask, embedder: keywordEmbedder(FRUITS) }).kind,
    ).toBe('embedding');
  });
});
