/**
 * Scheduler benchmark: wall time of a TreeSynth run against the simulator with a fixed latency,
 * divided by its lower bound, for our scheduler and for the reference implementation's
 * level-synchronous schedule (a barrier per tree level, then leaf calls one after another),
 * both measured in this run against the same simulator.
 *
 *   lower bound = max(critical path, total calls x latency / concurrency)
 *
 * The critical path is the longest chain of calls that must follow each other: the tree calls of
 * every node from the root to a leaf (each node's calls are sequential), then one leaf call.
 *
 * Usage: pnpm bench:scheduler [--latency-ms 40] [--depth 3] [--concurrency 16,64]
 *
 * At low latency on a 2-core machine the engine and the simulator saturate the CPU (a few ms of
 * HTTP and JSON work per call on each side), so the bound is out of reach for any scheduler; use
 * --latency-ms 200 to measure the schedule itself.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type ChatModel,
  loadTask,
  type PartitionTree,
  parseEngineConfig,
  type RunEvent,
  RunStore,
  readTreeFile,
  runTreeSynth,
} from '@treesynth/core';
import { RUN_FILES, Scheduler } from '@treesynth/core/internal';
import { createOpenAICompatible } from '@treesynth/providers';
import { startSimulatorProcess } from '../simulator-process.js';

const { values } = parseArgs({
  options: {
    'latency-ms': { type: 'string', default: '40' },
    depth: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '16,64' },
    task: { type: 'string', default: 'gsm8k' },
  },
});
const latencyMs = Number(values['latency-ms']);
const depth = Number(values.depth);
const concurrencies = String(values.concurrency).split(',').map(Number);

interface CallPlan {
  /** Tree calls per node, keyed by node id. */
  treeCalls: Map<string, number>;
  /** Measured milliseconds of each tree call per node (in order), and of each call of each leaf. */
  treeMs: Map<string, number[]>;
  leafMs: Map<string, number[]>;
  totalMs: number;
  leafCalls: number;
  totalCalls: number;
}

function callPlan(dir: string): CallPlan {
  const treeCalls = new Map<string, number>();
  const treeMs = new Map<string, number[]>();
  const leafMs = new Map<string, number[]>();
  let totalMs = 0;
  let leafCalls = 0;
  let totalCalls = 0;
  for (const line of readFileSync(join(dir, 'events.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const event = JSON.parse(line) as RunEvent;
    if (event.type !== 'call') continue;
    totalCalls++;
    const [stage, node] = event.key.split(':');
    totalMs += event.ms;
    if (stage === 'leaf') {
      leafCalls++;
      leafMs.set(node!, [...(leafMs.get(node!) ?? []), event.ms]);
    } else {
      treeCalls.set(node!, (treeCalls.get(node!) ?? 0) + 1);
      treeMs.set(node!, [...(treeMs.get(node!) ?? []), event.ms]);
    }
  }
  return { treeCalls, treeMs, leafMs, totalMs, leafCalls, totalCalls };
}

/** The longest root-to-leaf chain: each node's tree calls in sequence, then one leaf call. */
function criticalPath(tree: PartitionTree, cost: (node: string, leaf: boolean) => number): number {
  let longest = 0;
  for (const leaf of tree.leaves()) {
    let total = cost(leaf.id, true);
    for (let node: string | null = leaf.id; node; node = tree.get(node).parentId) total += cost(node, false);
    longest = Math.max(longest, total);
  }
  return longest;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

/**
 * A tighter lower bound that still holds for any schedule on `concurrency` slots: a call cannot start
 * before its release time (its node's ancestors done, its own node's earlier calls done), so the work
 * released at or after time r needs at least (that work / concurrency) after r.
 */
function releaseBound(tree: PartitionTree, plan: CallPlan, concurrency: number): number {
  const calls: { release: number; duration: number }[] = [];
  const finished = new Map<string, number>();
  const visit = (id: string, start: number) => {
    let clock = start;
    for (const duration of plan.treeMs.get(id) ?? []) {
      calls.push({ release: clock, duration });
      clock += duration;
    }
    finished.set(id, clock);
    for (const duration of plan.leafMs.get(id) ?? []) calls.push({ release: clock, duration });
    for (const child of tree.get(id).children) visit(child, clock);
  };
  visit(tree.root.id, 0);
  calls.sort((a, b) => b.release - a.release);
  let bound = 0;
  let work = 0;
  for (const call of calls) {
    work += call.duration;
    bound = Math.max(bound, call.release + work / concurrency, call.release + call.duration);
  }
  return bound;
}

/**
 * The reference schedule, replayed with real requests against the simulator: each level's nodes in
 * parallel (their own calls in sequence) behind a barrier, then every leaf call one after another.
 */
async function levelSynchronous(
  model: ChatModel,
  tree: PartitionTree,
  plan: CallPlan,
  concurrency: number,
): Promise<number> {
  const scheduler = new Scheduler(concurrency);
  const request = () =>
    model.doGenerate({
      messages: [{ role: 'user', content: 'timing probe' }],
      seed: Math.floor(Math.random() * 1e9),
    });
  const started = performance.now();
  const levels = new Map<number, string[]>();
  for (const node of tree.nodes.values())
    levels.set(node.depth, [...(levels.get(node.depth) ?? []), node.id]);
  for (const level of [...levels.keys()].sort((a, b) => a - b)) {
    await Promise.all(
      levels.get(level)!.map(async (node) => {
        for (let call = 0; call < (plan.treeCalls.get(node) ?? 0); call++)
          await scheduler.run('tree', request);
      }),
    );
  }
  for (let call = 0; call < plan.leafCalls; call++) await request();
  return performance.now() - started;
}

async function main() {
  // The simulator runs in its own process, as a real endpoint would: its CPU work is not the engine's.
  const simulator = await startSimulatorProcess({ seed: 0, latencyMs });
  const model = createOpenAICompatible({ baseURL: simulator.url, apiKey: 'bench' }).chat('sim');
  const task = loadTask(values.task!);
  const rows: string[][] = [];
  try {
    for (const concurrency of concurrencies) {
      const dir = join(mkdtempSync(join(tmpdir(), 'treesynth-bench-')), 'run');
      const config = parseEngineConfig({ tree: { depth }, concurrency, seed: 0 });
      const store = await RunStore.create(dir, {
        fingerprint: 'bench',
        task,
        config,
        model: { provider: 'sim', modelId: 'sim' },
      });
      const started = performance.now();
      const summary = await runTreeSynth({ task, model, config, store });
      const ours = performance.now() - started;
      const tree = readTreeFile(join(dir, RUN_FILES.tree))!;
      const plan = callPlan(dir);
      // Nominal bound: every call takes exactly the simulator's latency.
      const critical =
        criticalPath(tree, (node, leaf) => (leaf ? 1 : (plan.treeCalls.get(node) ?? 0))) * latencyMs;
      const bound = Math.max(critical, (plan.totalCalls * latencyMs) / concurrency);
      // Measured bound: the same with each call's measured duration (latency plus HTTP and endpoint work).
      const measuredCritical = criticalPath(tree, (node, leaf) =>
        leaf ? Math.max(0, ...(plan.leafMs.get(node) ?? [])) : sum(plan.treeMs.get(node) ?? []),
      );
      const measuredBound = Math.max(measuredCritical, plan.totalMs / concurrency);
      const tightBound = releaseBound(tree, plan, concurrency);
      const reference = await levelSynchronous(model, tree, plan, concurrency);
      rows.push([
        String(concurrency),
        String(summary.leaves),
        String(plan.totalCalls),
        String(summary.samples),
        (bound / 1000).toFixed(2),
        (ours / 1000).toFixed(2),
        (ours / bound).toFixed(3),
        (measuredBound / 1000).toFixed(2),
        (ours / measuredBound).toFixed(3),
        (tightBound / 1000).toFixed(2),
        (ours / tightBound).toFixed(3),
        (reference / 1000).toFixed(2),
        (reference / bound).toFixed(2),
        (reference / ours).toFixed(1),
      ]);
    }
  } finally {
    await simulator.close();
  }
  const header = [
    'concurrency',
    'leaves',
    'calls',
    'samples',
    'bound s',
    'ours s',
    'ours/bound',
    'measured bound s',
    'ours/measured',
    'level-sync s',
    'level-sync/bound',
    'speed-up',
  ];
  console.log(
    `scheduler benchmark: task ${values.task}, depth ${depth}, simulator latency ${latencyMs} ms fixed`,
  );
  console.log(header.join('\t'));
  for (const row of rows) console.log(row.join('\t'));
}

await main();
