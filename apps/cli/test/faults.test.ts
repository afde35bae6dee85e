import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatorOptions, type SimulatorStats, startSimulator } from '@treesynth/simulator';
import { describe, expect, it } from 'vitest';
import { readSamples, runCli } from './cli-harness.js';

type RequestRecord = Parameters<NonNullable<SimulatorOptions['onRequest']>>[0];

type RunEvent =
  | { type: 'call'; stage: string; key: string; cached: boolean }
  | { type: 'leaf-call'; leaf: string; index: number; samples: number }
  | { type: 'leaf-call-failed'; leaf: string; index: number; error: string; retryable?: boolean }
  | { type: 'run-end'; status: string }
  | { type: 'node-split' | 'node-leaf' | 'run-start' | 'budget' };

interface TreeNodeJson {
  id: string;
  status: 'split' | 'leaf' | 'pending';
  steps: { infinite?: boolean }[];
}

/** The CLI's bounds: `retryMiddleware` attempts per call, and structured-output repairs per stage call. */
const MAX_ATTEMPTS = 5;
const STRUCTURED_REPAIRS = 1;
const SAMPLES_PER_CALL = 10;

type Faults = NonNullable<SimulatorOptions['faults']>;
type FaultKind = keyof SimulatorStats['faults'];
const CONTENT_FAULTS = ['truncated', 'malformed', 'schemaViolation'] as const satisfies FaultKind[];

const work = mkdtempSync(join(tmpdir(), 'treesynth-faults-'));

interface FaultyRun {
  stats: SimulatorStats;
  leafCallsDone: number;
  leafCallsFailed: number;
  failureReasons: string[];
  samples: number;
  repairs: number;
  maxAttempts: number;
}

/**
 * Run the real CLI against a simulator with `faults` and check the run folder against the endpoint's
 * own log: every leaf sampled or failed with a reason, nothing dropped, every request accounted for,
 * retries and repairs within their bounds.
 */
async function faultyRun(name: string, faults: Faults, extraArgs: string[] = []): Promise<FaultyRun> {
  const records: RequestRecord[] = [];
  const simulator = await startSimulator({
    seed: 1,
    faults,
    onRequest: (record) => records.push(record),
  });
  const out = join(work, name);
  let result: Awaited<ReturnType<typeof runCli>>;
  try {
    result = await runCli([
      'run',
      '--task',
      'gsm8k',
      '--model',
      'sim',
      '--base-url',
      simulator.url,
      '--out',
      out,
      // A hang is held for 10 minutes: each attempt gives up after 2 s and is retried.
      '--timeout-ms',
      '2000',
      '--quiet',
      '--json',
      ...extraArgs,
    ]);
  } finally {
    await simulator.close();
  }
  const summary = JSON.parse(result.stdout);

  // ---- the run folder: nothing silently dropped ----
  const events = readJsonLines<RunEvent>(join(out, 'events.jsonl'));
  const leafCalls = events.filter((event) => event.type === 'leaf-call');
  const failedCalls = events.filter((event) => event.type === 'leaf-call-failed');
  const done = new Map(leafCalls.map((event) => [`${event.leaf}:${event.index}`, event]));
  const failed = new Map(failedCalls.map((event) => [`${event.leaf}:${event.index}`, event]));
  expect(done.size).toBe(leafCalls.length);
  expect(failed.size).toBe(failedCalls.length);
  // Failed leaf calls leave the run incomplete, exit 1, for a resume to retry; none: complete, exit 0.
  const status = failedCalls.length > 0 ? 'incomplete' : 'complete';
  expect(result.code, result.stderr).toBe(failedCalls.length > 0 ? 1 : 0);
  expect(summary.status).toBe(status);
  expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).status).toBe(status);

  const tree = JSON.parse(readFileSync(join(out, 'tree.json'), 'utf8')) as { nodes: TreeNodeJson[] };
  expect(tree.nodes.filter((node) => node.status === 'pending')).toEqual([]);
  const leaves = tree.nodes.filter((node) => node.status === 'leaf');
  expect(leaves.length).toBeGreaterThan(1);
  let plannedCalls = 0;
  for (const leaf of leaves) {
    // Without a budget a leaf under k infinite nodes gets 10^k calls.
    const calls = 10 ** leaf.steps.filter((step) => step.infinite).length;
    plannedCalls += calls;
    for (let index = 0; index < calls; index++) {
      const id = `${leaf.id}:${index}`;
      const failure = failed.get(id);
      // Fully sampled, or failed with its reason; never both, never neither.
      expect(done.has(id) !== (failure !== undefined), `leaf call ${id}`).toBe(true);
      if (failure) expect(failure.error.length).toBeGreaterThan(0);
    }
  }
  expect(done.size + failed.size).toBe(plannedCalls);
  expect(summary.leafCalls).toMatchObject({ planned: plannedCalls, done: plannedCalls, failed: failed.size });

  const samples = readSamples(out);
  const sampled = leafCalls.reduce((sum, event) => sum + event.samples, 0);
  expect(samples.length).toBe(sampled);
  expect(samples.length).toBe(summary.samples);
  expect(new Set(samples.map((sample) => sample.id)).size).toBe(samples.length);
  for (const sample of samples) {
    const call = sample.call as { index: number };
    expect(done.has(`${sample.leaf_id as string}:${call.index}`), sample.id).toBe(true);
  }
  for (const event of leafCalls) expect(event.samples).toBe(SAMPLES_PER_CALL);

  // ---- the endpoint's side: every request accounted for, retries bounded ----
  const stats = simulator.stats();
  const faultCount = Object.values(stats.faults).reduce((sum, count) => sum + count, 0);
  expect(stats.invalid).toBe(0);
  expect(stats.total).toBe(records.length);
  expect(stats.total).toBeLessThanOrEqual(stats.answered + faultCount);
  expect(stats.total).toBe(stats.answered + faultCount);

  // One call retried is one request body sent again: at most MAX_ATTEMPTS times.
  const attempts = countBy(records, (record) => record.requestKey);
  const maxAttempts = Math.max(...attempts.values());
  expect(maxAttempts).toBeLessThanOrEqual(MAX_ATTEMPTS);
  // A repair quotes its call's conversation: at most STRUCTURED_REPAIRS per stage call, and only where
  // the call got an unusable answer (a content fault).
  expect(Math.max(...records.map((record) => record.repairs))).toBeLessThanOrEqual(STRUCTURED_REPAIRS);
  const conversationOf = new Map(records.map((record) => [record.requestKey, record.conversationKey]));
  const firstCalls = new Set(records.filter((r) => r.repairs === 0).map((r) => r.requestKey));
  const repairs = new Set(records.filter((r) => r.repairs > 0).map((r) => r.requestKey));
  const spoiledFirstCalls = new Set(
    records
      .filter((r) => r.repairs === 0 && (CONTENT_FAULTS as readonly string[]).includes(r.outcome))
      .map((r) => r.requestKey),
  );
  expect(repairs.size).toBe(spoiledFirstCalls.size);
  const callsPerConversation = countBy([...firstCalls], (key) => conversationOf.get(key)!);
  const repairsPerConversation = countBy([...repairs], (key) => conversationOf.get(key)!);
  for (const [conversation, count] of repairsPerConversation) {
    expect(count).toBeLessThanOrEqual(STRUCTURED_REPAIRS * (callsPerConversation.get(conversation) ?? 0));
  }

  // The client saw exactly the 200s the simulator sent: one `call` event for each.
  const callEvents = events.filter((event) => event.type === 'call');
  expect(callEvents.every((event) => !event.cached)).toBe(true);
  const contentFaults = CONTENT_FAULTS.reduce((sum, kind) => sum + stats.faults[kind], 0);
  expect(callEvents.length).toBe(stats.answered + contentFaults);
  expect(callEvents.filter((event) => event.key.includes('#repair')).length).toBe(repairs.size);

  return {
    stats,
    leafCallsDone: leafCalls.length,
    leafCallsFailed: failedCalls.length,
    failureReasons: failedCalls.map((event) => event.error),
    samples: samples.length,
    repairs: repairs.size,
    maxAttempts,
  };
}

function report(name: string, run: FaultyRun, elapsedMs: number): void {
  const { stats } = run;
  console.info(
    `${name}: ${stats.total} requests, ${stats.answered} answered, faults ${JSON.stringify(stats.faults)}, ` +
      `max ${run.maxAttempts} attempts of one request, ${run.repairs} repairs, ${run.leafCallsDone} leaf calls done, ` +
      `${run.leafCallsFailed} failed, ${run.samples} samples, ${Math.round(elapsedMs)} ms`,
  );
}

describe('treesynth run against a faulty endpoint', () => {
  it('survives 10% 5xx, 5% 429, 2% malformed JSON and 1% hangs within its retry bounds', async () => {
    const started = performance.now();
    // Fault seed 11 puts every one of these kinds among the first 50 draws (four hangs among them); the
    // run makes more requests than that, so it meets each kind whatever the order of its requests.
    const run = await faultyRun(
      'http-faults',
      {
        rate429: 0.05,
        retryAfterSeconds: 1,
        rate500: 0.05,
        rate503: 0.05,
        rateMalformed: 0.02,
        rateHang: 0.01,
        seed: 11,
      },
      ['--depth', '2'],
    );
    const elapsedMs = performance.now() - started;
    report('http faults', run, elapsedMs);
    for (const kind of ['rateLimit', 'serverError', 'unavailable', 'malformed', 'hang'] as const) {
      expect(run.stats.faults[kind], kind).toBeGreaterThan(0);
    }
    expect(elapsedMs).toBeLessThan(60_000);
  }, 90_000);

  it('records a leaf call whose answers stay unusable as failed, with the reason', async () => {
    const started = performance.now();
    // 45% of answers unusable: a stage call and its repair both fail about one time in five.
    const run = await faultyRun(
      'content-faults',
      { rate500: 0.1, rateTruncated: 0.15, rateMalformed: 0.15, rateSchemaViolation: 0.15, seed: 5 },
      ['--depth', '3'],
    );
    const elapsedMs = performance.now() - started;
    report('content faults', run, elapsedMs);
    expect(run.leafCallsFailed).toBeGreaterThan(0);
    // Each failure says why: the answer and its one repair were both unusable.
    for (const reason of run.failureReasons) expect(reason).toMatch(/no valid answer after 2 attempt/);
    expect(elapsedMs).toBeLessThan(60_000);
  }, 90_000);
});

function readJsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as T);
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
