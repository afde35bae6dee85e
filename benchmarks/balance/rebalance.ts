/**
 * Rebalance benchmark: prints, asserts nothing.
 *
 * 1. Builds a gsm8k tree (stage one only) against the simulated LLM, in its own process.
 * 2. Routes GSM8K train questions (/work/shared/data/gsm8k/train.jsonl, the first --pool of them)
 *    with the embedding router and the offline default embedder, and picks the first-level branch
 *    that received the most of them.
 * 3. Draws a deliberately skewed subset of --rows questions: --skew (default 90%) from that branch,
 *    the rest from the others, seeded.
 * 4. Balances the subset with `balanceDataset` (what `treesynth balance --target uniform` runs): it
 *    routes the subset afresh, plans uniform targets, downsamples with the seed and synthesizes the
 *    shortfalls on the simulator, writing the balance folder; the figures are read from its files.
 * Prints normalised leaf entropy before and after (H(rows per leaf) / log(leaves), every leaf of the
 * tree counted, via eval's leafCoverage), leaves covered, rows kept, dropped and synthesized, and the
 * time of each step.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/balance/rebalance.ts
 *          [--rows 1000] [--pool 4000] [--skew 0.9] [--depth 2] [--router embedding|llm|hybrid]
 *          [--embedder hashing] [--centering balanced|batch|none] [--latency-ms 0] [--concurrency 16] [--seed 0]
 *
 * The embedding router centres similarities on the batch it routes. Its default, 'balanced', weighs
 * every child equally in that centre, so a skewed subset is routed much as within the whole pool;
 * `--centering batch` uses the plain batch mean (which hides skew) and `none` raw cosine; it applies to
 * the pool's routing (the balance itself routes as `treesynth balance` does, with 'balanced'). Both
 * views (the subset routed alone, and the same rows as routed within the pool) are printed.
 *
 * The synthesized rows are simulator placeholders: the numbers show the pipeline's behaviour and
 * speed, not the quality of real model output. On a shared machine the wall time grows with the load.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  type BalanceProvenance,
  balanceDataset,
  createEmbeddingRouter,
  createRouter,
  type Route,
  type RouteLine,
  type RouterKind,
  readPlanFile,
} from '@treesynth/balance';
import { loadTask, parseEngineConfig, RunStore, runTreeSynth, wrapChatModel } from '@treesynth/core';
import { createRandom } from '@treesynth/core/internal';
import { leafCoverage } from '@treesynth/eval';
import { createEmbedder, createOpenAICompatible, retryMiddleware } from '@treesynth/providers';
import { startSimulatorProcess } from '../simulator-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000' },
    pool: { type: 'string', default: '4000' },
    skew: { type: 'string', default: '0.9' },
    depth: { type: 'string', default: '2' },
    router: { type: 'string', default: 'embedding' },
    embedder: { type: 'string', default: 'hashing' },
    centering: { type: 'string', default: 'balanced' },
    'latency-ms': { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string', default: '0' },
  },
});
const rows = Number(values.rows);
const pool = Number(values.pool);
const skew = Number(values.skew);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
const routerKind = values.router as RouterKind;

const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(2);
const timings: Array<[string, string]> = [];

const questions = readFileSync(join(ROOT, '../shared/data/gsm8k/train.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, pool)
  .map((line) => (JSON.parse(line) as { question: string }).question);

const simulator = await startSimulatorProcess({ seed, latencyMs: Number(values['latency-ms']) });
const work = mkdtempSync(join(tmpdir(), 'treesynth-rebalance-'));
try {
  const task = loadTask('gsm8k');
  const model = wrapChatModel({
    model: createOpenAICompatible({ baseURL: simulator.url }).chat('treesynth-sim'),
    middleware: [retryMiddleware({})],
  });

  // 1. The tree.
  let started = performance.now();
  const config = parseEngineConfig({ tree: { depth: Number(values.depth) }, seed, concurrency });
  const store = await RunStore.create(join(work, 'tree'), {
    fingerprint: 'rebalance-benchmark',
    task,
    config,
    model: { provider: model.provider, modelId: model.modelId },
    simulated: true,
  });
  await runTreeSynth({ task, model, config, store, treeOnly: true });
  const tree = store.readTree()!;
  const leaves = tree.leaves();
  timings.push(['tree (simulated LLM)', seconds(started)]);

  const embedder = createEmbedder(values.embedder!);
  const centering = (['balanced', 'batch', 'none'] as const).find((kind) => kind === values.centering);
  if (!centering) throw new Error(`--centering must be balanced, batch or none, got ${values.centering}`);
  const route = (texts: string[]) =>
    (routerKind === 'embedding'
      ? createEmbeddingRouter({ tree, task, embedder, centering })
      : createRouter({ kind: routerKind, tree, task, embedder, model, concurrency, seed })
    ).route(texts);
  const branchOf = (route: Route) => route.path[0]?.value ?? '(unrouted)';

  // 2. Which first-level branch gets most of the pool.
  started = performance.now();
  const poolRoutes = await route(questions);
  timings.push([`route the pool (${questions.length} rows)`, seconds(started)]);
  const byBranch = new Map<string, number[]>();
  poolRoutes.forEach((poolRoute, index) => {
    if (poolRoute.leafId === null) return;
    byBranch.set(branchOf(poolRoute), [...(byBranch.get(branchOf(poolRoute)) ?? []), index]);
  });
  const [heavy, heavyRows] = [...byBranch].sort((a, b) => b[1].length - a[1].length)[0]!;
  const otherRows = [...byBranch].filter(([branch]) => branch !== heavy).flatMap(([, indices]) => indices);

  // 3. The skewed subset.
  const random = createRandom(`rebalance:${seed}`);
  const draw = (from: number[], count: number) => {
    const copy = [...from];
    for (let index = 0; index < Math.min(count, copy.length); index++) {
      const other = index + Math.floor(random() * (copy.length - index));
      [copy[index], copy[other]] = [copy[other]!, copy[index]!];
    }
    return copy.slice(0, count);
  };
  const fromHeavy = draw(heavyRows, Math.round(rows * skew));
  const fromOthers = draw(otherRows, rows - fromHeavy.length);
  const subsetIndices = [...fromHeavy, ...fromOthers].sort((a, b) => a - b);
  const subset = subsetIndices.map((index) => questions[index]!);

  // 4. Balance it, as `treesynth balance` does: route afresh (the router centres on its batch), plan, synthesize.
  const subsetFile = join(work, 'subset.jsonl');
  writeFileSync(subsetFile, subset.map((question) => `${JSON.stringify({ question })}\n`).join(''));
  const out = join(work, 'balanced');
  started = performance.now();
  const result = await balanceDataset({
    data: subsetFile,
    field: 'question',
    tree: join(work, 'tree'),
    task,
    router: routerKind,
    target: 'uniform',
    out,
    model: { id: model.modelId, simulated: true, create: () => model },
    embedder,
    seed,
    concurrency,
    cache: false,
  });
  timings.push([`balance the subset (${subset.length} rows, ${routerKind})`, seconds(started)]);
  const readLines = <Line>(file: string) =>
    readFileSync(join(out, file), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);
  const routes = readLines<RouteLine>('routes.jsonl');
  const balanced = readLines<{ treesynth: BalanceProvenance }>('balanced.jsonl');
  const plan = readPlanFile(join(out, 'plan.json'));
  const synthesized = result.totals.synthesized ?? 0;

  const beforeIds = routes.flatMap((route) => (route.leaf_id ? [route.leaf_id] : []));
  const synthesizedIds = balanced.flatMap(({ treesynth }) =>
    treesynth.origin === 'synthesized' ? [treesynth.leaf_id] : [],
  );
  const afterIds = balanced.map(({ treesynth }) => treesynth.leaf_id);
  // The same rows where the whole pool's routing put them (the reference the subset was skewed by).
  const poolLeaf = (position: number) => poolRoutes[subsetIndices[position]!]!.leafId;
  const poolBeforeIds = subset.flatMap((_, position) => (poolLeaf(position) ? [poolLeaf(position)!] : []));
  const poolAfterIds = [
    ...routes.flatMap((route, position) => (route.kept && poolLeaf(position) ? [poolLeaf(position)!] : [])),
    ...synthesizedIds,
  ];
  const heavyLeaves = new Set(
    leaves
      .filter((leaf) => leaf.steps[0] && 'value' in leaf.steps[0] && leaf.steps[0].value === heavy)
      .map((leaf) => leaf.id),
  );
  const heavyShare = (ids: string[]) =>
    ids.filter((id) => heavyLeaves.has(id)).length / Math.max(ids.length, 1);
  const rowsOf = (beforeList: string[], afterList: string[]) => {
    const before = leafCoverage(tree, beforeList);
    const after = leafCoverage(tree, afterList);
    return [
      ['normalised leaf entropy', before.normalizedEntropy.toFixed(3), after.normalizedEntropy.toFixed(3)],
      [
        'leaves covered',
        `${before.coveredLeaves}/${before.leaves}`,
        `${after.coveredLeaves}/${after.leaves}`,
      ],
      ['Gini of rows per leaf', before.samplesPerLeaf.gini.toFixed(3), after.samplesPerLeaf.gini.toFixed(3)],
      [`share in "${heavy}"`, heavyShare(beforeList).toFixed(3), heavyShare(afterList).toFixed(3)],
      ['rows', String(beforeList.length), String(afterList.length)],
    ];
  };
  const print = (table: string[][]) => {
    console.log(`  ${''.padEnd(44)}${'before'.padStart(10)}${'after'.padStart(10)}`);
    for (const [name, a, b] of table)
      console.log(`  ${name!.padEnd(44)}${a!.padStart(10)}${b!.padStart(10)}`);
  };

  const embedding =
    routerKind === 'llm'
      ? ''
      : ` (embedder ${values.embedder}${routerKind === 'embedding' ? `, centering ${centering}` : ''})`;
  console.log(
    `Rebalance benchmark: gsm8k tree of depth ${values.depth} on the simulated LLM, ${leaves.length} leaves under ${tree.root.children.length} first-level branches`,
  );
  console.log(
    `Skewed subset: ${subset.length} GSM8K train questions, ${fromHeavy.length} from the branch "${heavy}" as the whole pool's routing placed them, ${fromOthers.length} from the others`,
  );
  console.log(`Router: ${routerKind}${embedding}; target: uniform, ${plan.target.total} rows; seed ${seed}`);
  console.log('\nLeaves as the subset was routed for balancing (alone):');
  print(rowsOf(beforeIds, afterIds));
  console.log(
    '\nLeaves as the whole pool was routed (kept rows keep their pool leaf; synthesized rows their leaf):',
  );
  print(rowsOf(poolBeforeIds, poolAfterIds));
  console.log(
    `\n  rows: ${plan.totals.rows} in, ${plan.totals.unrouted} unrouted, ${plan.totals.kept} kept, ${plan.totals.dropped} dropped, ${synthesized} synthesized of ${plan.totals.synthesize} planned (${plan.totals.unfilled} unfilled), ${afterIds.length} out`,
  );
  const usage = result.usage!.total;
  console.log(
    `  synthesis: ${usage.calls} leaf calls, ${usage.promptTokens + usage.completionTokens} tokens`,
  );
  console.log('\nTime (s):');
  for (const [name, value] of timings) console.log(`  ${name.padEnd(44)}${value.padStart(10)}`);
  console.log(
    `\n${cpus().length} CPUs, load average ${loadavg()
      .map((value) => value.toFixed(2))
      .join(' ')}; Node ${process.version}`,
  );
} finally {
  await simulator.close();
  rmSync(work, { recursive: true, force: true });
}
