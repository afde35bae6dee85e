import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BUILTIN_TASKS,
  type EngineConfigInput,
  type PathStep,
  parseEngineConfig,
  parseTask,
  RunStore,
  runTreeSynth,
  type TaskDefinition,
} from '@treesynth/core';
import { normalizeName } from '@treesynth/core/internal';
import { createOpenAICompatible } from '@treesynth/providers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMarkers } from './sample-markers.js';
import { type Simulator, startSimulator } from './start-simulator.js';

/** A line of samples.jsonl: the task's fields at the top level, beside the provenance. */
type SampleLine = Record<string, string> & { path: PathStep[]; drawn: Record<string, string> };

/** The real engine against the simulator over HTTP: the stage answers must fit together. */
describe('the engine against the simulator', () => {
  let simulator: Simulator;
  let openEnded: Simulator;
  const work = mkdtempSync(join(tmpdir(), 'treesynth-simulator-'));

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3, openEndedRate: 0 });
    openEnded = await startSimulator({ seed: 3, openEndedRate: 1 });
  });
  afterAll(async () => {
    await simulator?.close();
    await openEnded?.close();
  });

  async function run(server: Simulator, task: TaskDefinition, name: string, config: EngineConfigInput) {
    const dir = join(work, name);
    const parsed = parseEngineConfig({ concurrency: 32, seed: 1, ...config });
    const store = await RunStore.create(dir, {
      fingerprint: name,
      task,
      config: parsed,
      model: { provider: 'sim', modelId: 'sim' },
    });
    const model = createOpenAICompatible({ baseURL: server.url, apiKey: 'test' }).chat('sim');
    const summary = await runTreeSynth({ task, model, config: parsed, store });
    const samples = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as SampleLine);
    const tree = JSON.parse(readFileSync(join(dir, 'tree.json'), 'utf8'));
    return { summary, samples, tree };
  }

  function expectSamplesHonourPaths(task: TaskDefinition, samples: SampleLine[]) {
    const first = task.fields[0]!.name;
    for (const sample of samples) {
      const markers = parseMarkers(sample[first]!);
      expect(markers, sample[first]).toBeDefined();
      for (const step of sample.path) expect(markers!.get(normalizeName(step.dimension))).toBe(step.value);
    }
  }

  it('builds a math tree under the seven subjects and fills every leaf, labelled simulated', async () => {
    const task = parseTask(BUILTIN_TASKS.math);
    const { summary, samples } = await run(simulator, task, 'math', {
      tree: { depth: 2 },
      synthesis: { samplesPerCall: 3 },
    });
    expect(summary.status).toBe('complete');
    expect(summary.simulated).toBe(true);
    // Every subject node found a criterion: 7 + the root split, no leaf before the maximum depth.
    expect(summary.splitNodes).toBe(8);
    expect(summary.leafReasons).toEqual({ 'max-depth': summary.leaves });
    expect(summary.infiniteNodes).toBe(0);
    expect(samples.length).toBe(summary.leaves * 3);
    expectSamplesHonourPaths(task, samples);
    expect(new Set(samples.map((sample) => sample.problem)).size).toBe(samples.length);
  });

  it('turns large dimensions into infinite nodes and draws their values into the leaves', async () => {
    const task = parseTask(BUILTIN_TASKS.gsm8k);
    const { summary, samples, tree } = await run(openEnded, task, 'gsm8k-open', {
      tree: { depth: 2, pivots: 6 },
      synthesis: { samplesPerCall: 2, infiniteMultiplierBase: 2 },
    });
    expect(summary.status).toBe('complete');
    expect(summary.infiniteNodes).toBeGreaterThan(0);
    const root = tree.nodes.find((node: { id: string }) => node.id === 'root');
    expect(root.split.infinite).toBe(true);
    expect(root.split.values.length).toBeGreaterThanOrEqual(50);
    expect(samples.some((sample) => Object.keys(sample.drawn).length > 0)).toBe(true);
    expectSamplesHonourPaths(task, samples);
  });

  it('makes a code tree where depth runs out before dimensions do, with every criterion accepted', async () => {
    const task = parseTask(BUILTIN_TASKS.code);
    const { summary, samples } = await run(simulator, task, 'code', {
      tree: { depth: 3, pivots: 8 },
      maxSamples: 200,
    });
    expect(summary.status).toBe('complete');
    expect(summary.leafReasons['no-criterion'] ?? 0).toBe(0);
    expect(samples.length).toBe(200);
    expectSamplesHonourPaths(task, samples);
  });
});
