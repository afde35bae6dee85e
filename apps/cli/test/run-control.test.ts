import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { budgetChangeProblem } from '@treesynth/core/internal';
import { type SimulatorOptions, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, readSamples, runCli } from './cli-harness.js';

type RequestRecord = Parameters<NonNullable<SimulatorOptions['onRequest']>>[0];
type Faults = NonNullable<SimulatorOptions['faults']>;

const work = mkdtempSync(join(tmpdir(), 'treesynth-control-'));
let healthy: Awaited<ReturnType<typeof startSimulator>>;

beforeAll(async () => {
  healthy = await startSimulator({ seed: 1 });
});
afterAll(async () => {
  await healthy?.close();
});

/** The CLI's flags for a small GSM8K run at `url` into `out`. */
function runArgs(url: string, out: string, ...extra: string[]): string[] {
  return [
    '--task',
    'gsm8k',
    '--model',
    'sim',
    '--base-url',
    url,
    '--depth',
    '2',
    '--quiet',
    '--out',
    out,
    ...extra,
  ];
}

/** Run the CLI against a fresh simulator with `faults` (seed 1, like `healthy`), logging its requests. */
async function againstFaults(faults: Faults, args: (url: string) => string[]) {
  const records: RequestRecord[] = [];
  const simulator = await startSimulator({ seed: 1, faults, onRequest: (record) => records.push(record) });
  try {
    const result = await runCli(args(simulator.url));
    return { result, records };
  } finally {
    await simulator.close();
  }
}

function status(dir: string): string {
  return JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')).status;
}

/** Rows sorted by id, whole: same ids and same content. */
function dataset(dir: string): string[] {
  return readSamples(dir)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((row) => JSON.stringify(row));
}

function perLeaf(dir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of readSamples(dir)) counts[String(row.leaf_id)] = (counts[String(row.leaf_id)] ?? 0) + 1;
  return counts;
}

/** The task's fields of a sample or row (a row's other keys set apart) as one string, in any key order. */
function fieldsKey(sample: Record<string, unknown>): string {
  const names = Object.keys(sample).filter((name) => !ROW_KEYS.has(name));
  return JSON.stringify(names.sort().map((name) => [name, sample[name]]));
}

const ROW_KEYS = new Set(['id', 'leaf_id', 'path', 'drawn', 'call', 'method']);

/**
 * The leaf answers in the run's response cache (those whose samples are rows of the run) hold exactly
 * the rows: every sample the endpoint was asked for, and so paid for, is in samples.jsonl.
 */
function expectEveryAnswerKept(dir: string): void {
  const rows = readSamples(dir);
  const kept = new Set(rows.map((row) => fieldsKey(row)));
  let answered = 0;
  const cache = join(dir, 'cache');
  for (const shard of readdirSync(cache)) {
    for (const name of readdirSync(join(cache, shard))) {
      const entry = JSON.parse(readFileSync(join(cache, shard, name), 'utf8'));
      const samples: Record<string, unknown>[] | undefined = JSON.parse(entry.result.text).samples;
      if (!samples?.length || !kept.has(fieldsKey(samples[0]!))) continue; // pivots, not a leaf answer
      expect(samples.filter((sample) => !kept.has(fieldsKey(sample)))).toEqual([]);
      answered += samples.length;
    }
  }
  expect(answered).toBe(rows.length);
}

function leafCallsFailedIn(dir: string): string[] {
  return readFileSync(join(dir, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((event) => event.type === 'leaf-call-failed')
    .map((event) => `${event.leaf}:${event.index}`);
}

/** Leaf-call requests (by body hash) that never got an answer: the calls that failed after their retries. */
function unansweredLeafRequests(records: RequestRecord[]): Set<string> {
  const answered = new Set(records.filter((r) => r.outcome === 'answered').map((r) => r.requestKey));
  return new Set(
    records.filter((r) => r.stage === 'leaf' && !answered.has(r.requestKey)).map((r) => r.requestKey),
  );
}

describe('a run with failed leaf calls', () => {
  // Half the requests get a 500 and a call has two attempts: about one leaf call in four fails.
  const faults: Faults = { rate500: 0.5, seed: 3 };
  const flaky = ['--max-attempts', '2'];

  it('ends incomplete with exit 1 and the retry command; resume retries until it equals a clean run', async () => {
    const clean = join(work, 'clean');
    const cleanRun = await runCli(['run', ...runArgs(healthy.url, clean)]);
    expect(cleanRun.code, cleanRun.stderr).toBe(0);
    expect(cleanRun.stdout).toMatch(/^run complete/);
    // The leaf-reason breakdown reads as counts of leaves, never as a depth.
    expect(cleanRun.stdout).toMatch(/ \d+ leaves \(\d+ at the depth limit\), deepest leaf at depth 2,/);
    expect(cleanRun.stdout).not.toMatch(/max-depth \d/);
    const cleanRows = dataset(clean);
    expect(cleanRows.length).toBeGreaterThan(300);

    // Stage one against the healthy endpoint, so every fault below lands on a leaf call.
    const out = join(work, 'faulty');
    expect((await runCli(['tree', ...runArgs(healthy.url, out)])).code).toBe(0);

    const first = await againstFaults(faults, (url) => ['run', '--resume', ...runArgs(url, out, ...flaky)]);
    const failed = leafCallsFailedIn(out);
    expect(failed.length).toBeGreaterThan(0);
    expect(first.result.code, first.result.stderr).toBe(1);
    expect(status(out)).toBe('incomplete');
    expect(first.result.stdout).toMatch(/^run incomplete/);
    expect(first.result.stdout).toContain(
      `  incomplete: ${failed.length} leaf call${failed.length === 1 ? '' : 's'} failed after`,
    );
    expect(first.result.stdout).toContain(
      `  retry the ${failed.length} failed leaf call${failed.length === 1 ? '' : 's'} with: treesynth run --resume --out ${out}\n`,
    );
    const failedRequests = unansweredLeafRequests(first.records);
    expect(failedRequests.size).toBe(failed.length);
    expect(readSamples(out).length).toBe(cleanRows.length - 10 * failed.length);
    // Stage one again does not hide the failures behind `tree-built`.
    const treeAgain = await runCli(['tree', '--resume', ...runArgs(healthy.url, out)]);
    expect(treeAgain.code, treeAgain.stderr).toBe(0);
    expect(treeAgain.stdout).toMatch(/^run incomplete/);
    expect(treeAgain.stdout).toContain(
      `  incomplete: ${failed.length} leaf call${failed.length === 1 ? '' : 's'} failed after`,
    );
    expect(treeAgain.stdout).toContain(
      `retry the failed leaf calls with: treesynth run --resume --out ${out}\n`,
    );
    expect(status(out)).toBe('incomplete');

    // The same faulty endpoint, the same fault seed: resume does ask for every failed call again.
    const retried = await againstFaults(faults, (url) => ['run', '--resume', ...runArgs(url, out, ...flaky)]);
    const asked = new Set(retried.records.map((record) => record.requestKey));
    for (const request of failedRequests) expect(asked.has(request), request).toBe(true);
    expect(retried.records.every((record) => record.stage === 'leaf')).toBe(true);
    expect(unansweredLeafRequests(retried.records).size).toBeLessThanOrEqual(failedRequests.size);
    expect([0, 1]).toContain(retried.result.code);

    // A healthy endpoint: the failed calls are made, and the dataset is the clean run's.
    const healed = await runCli(['run', '--resume', ...runArgs(healthy.url, out)]);
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.stdout).toMatch(/^run complete/);
    expect(healed.stdout).not.toMatch(/retry the/);
    expect(status(out)).toBe('complete');
    expect(dataset(out)).toEqual(cleanRows);

    // `tree --resume` on the finished run prints the tree and leaves its status alone.
    const tree = await runCli(['tree', '--resume', ...runArgs(healthy.url, out)]);
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).toMatch(/^run complete/);
    expect(tree.stdout).toMatch(/ leaves \(\d+ at the depth limit\)/);
    expect(tree.stdout).toContain(`  samples: ${cleanRows.length}\n`);
    expect(tree.stdout).not.toMatch(/stage two would make/);
    expect(status(out)).toBe('complete');
    expect(dataset(out)).toEqual(cleanRows);
  }, 180_000);

  it('ends non-zero, saying why, when every answer is unusable; a healthy resume asks again past the cache', async () => {
    const out = join(work, 'unusable');
    const broken = await againstFaults(
      { rateTruncated: 0.4, rateMalformed: 0.3, rateSchemaViolation: 0.3 },
      (url) => ['run', ...runArgs(url, out)],
    );
    expect(broken.result.code, broken.result.stderr).toBe(1);
    expect(status(out)).toBe('incomplete');
    expect(readSamples(out)).toHaveLength(0);
    expect(broken.result.stdout).toMatch(
      /\n {2}incomplete: no samples: the endpoint gave no usable answer to /,
    );
    expect(broken.result.stdout).toContain(`with: treesynth run --resume --out ${out}\n`);

    // Its unusable answers sit in the response cache; the retry asks the endpoint, not the cache.
    const leafRequests = healthy.stats().byStage.leaf;
    const healed = await runCli(['run', '--resume', ...runArgs(healthy.url, out), '--json']);
    expect(healed.code, healed.stderr).toBe(0);
    const summary = JSON.parse(healed.stdout);
    expect(summary.status).toBe('complete');
    expect(healthy.stats().byStage.leaf).toBeGreaterThan(leafRequests);
    expect(readSamples(out).length).toBe(summary.samples);
    expect(summary.samples).toBeGreaterThan(0);
  }, 120_000);
});

describe('--max-samples on resume', () => {
  it("extends a run to a larger budget: every row kept, each leaf topped up to a fresh run's share", async () => {
    const extended = join(work, 'budget-200');
    const small = await runCli(['run', ...runArgs(healthy.url, extended, '--max-samples', '200')]);
    expect(small.code, small.stderr).toBe(0);
    expect(readSamples(extended)).toHaveLength(200);
    expectEveryAnswerKept(extended);
    const smallLines = readFileSync(join(extended, 'samples.jsonl'), 'utf8');
    // A copy of the 200 run, extended the same way: the extension is deterministic.
    const again = join(work, 'budget-200-again');
    cpSync(extended, again, { recursive: true });

    for (const dir of [extended, again]) {
      const grown = await runCli(['run', '--resume', ...runArgs(healthy.url, dir, '--max-samples', '300')]);
      expect(grown.code, grown.stderr).toBe(0);
    }
    expect(JSON.parse(readFileSync(join(extended, 'run.json'), 'utf8')).config.maxSamples).toBe(300);
    // Every row of the 200 run is still there, byte for byte, and no id is there twice.
    expect(readFileSync(join(extended, 'samples.jsonl'), 'utf8').startsWith(smallLines)).toBe(true);
    const rows = readSamples(extended);
    expect(rows).toHaveLength(300);
    expect(new Set(rows.map((row) => row.id)).size).toBe(300);
    expect(dataset(again)).toEqual(dataset(extended));
    // No paid sample thrown away: the extension's answers are kept whole too.
    expectEveryAnswerKept(extended);

    // Each leaf holds what a fresh run with 300 gives it (the rows themselves may differ).
    const fresh = join(work, 'budget-300');
    expect((await runCli(['run', ...runArgs(healthy.url, fresh, '--max-samples', '300')])).code).toBe(0);
    expect(readSamples(fresh)).toHaveLength(300);
    expect(perLeaf(extended)).toEqual(perLeaf(fresh));
    expectEveryAnswerKept(fresh);

    // A lower budget would leave more rows than it allows: refused, naming the setting, nothing touched.
    const before = readFileSync(join(extended, 'samples.jsonl'), 'utf8');
    expectOneLineError(
      await runCli(['run', '--resume', ...runArgs(healthy.url, extended, '--max-samples', '250')]),
      /maxSamples was 300 in this run and is 250 now; a resume may raise --max-samples, not lower it/,
    );
    expect(readFileSync(join(extended, 'samples.jsonl'), 'utf8')).toBe(before);
    expect(status(extended)).toBe('complete');
  }, 240_000);

  it('refuses a limit on a run made without one', async () => {
    const out = join(work, 'unlimited');
    expect((await runCli(['run', ...runArgs(healthy.url, out)])).code).toBe(0);
    const before = readFileSync(join(out, 'samples.jsonl'), 'utf8');
    expectOneLineError(
      await runCli(['run', '--resume', ...runArgs(healthy.url, out, '--max-samples', '10')]),
      /maxSamples was no limit in this run and is 10 now; a run made without --max-samples cannot take one/,
    );
    expect(readFileSync(join(out, 'samples.jsonl'), 'utf8')).toBe(before);
  }, 60_000);

  it('allows raising or dropping the limit, never lowering it or adding one', () => {
    expect(budgetChangeProblem(200, 200)).toBeUndefined();
    expect(budgetChangeProblem(200, 300)).toBeUndefined();
    expect(budgetChangeProblem(200, null)).toBeUndefined();
    expect(budgetChangeProblem(null, null)).toBeUndefined();
    expect(budgetChangeProblem(300, 200)).toMatch(/^maxSamples was 300 in this run and is 200 now/);
    expect(budgetChangeProblem(null, 500)).toMatch(/^maxSamples was no limit in this run and is 500 now/);
  });
});
