import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSampleIds } from '@treesynth/core/internal';
import { type SimulatorRequestRecord, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, countLines, expectOneLineError, runCli, spawnCli, waitFor } from './cli-harness.js';
import { readRows } from './curate-sim-rule.js';

/**
 * Issue 11's last parts through the real CLI against the simulator: a finished run extended to a
 * larger --max-samples keeps its rows and pays no call twice; --target-rows tops a run up until
 * curation leaves exactly N rows, within --max-budget-factor, and a kill -9 during a top-up resumes
 * to the same curated.jsonl.
 */
describe('extending a run and --target-rows', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  const records: SimulatorRequestRecord[] = [];
  const work = mkdtempSync(join(tmpdir(), 'treesynth-target-'));
  const base = () => [
    'run',
    ...['--task', 'gsm8k', '--model', 'sim', '--base-url', simulator.url],
    ...['--depth', '2', '--seed', '5', '--concurrency', '4', '--quiet'],
  ];
  // Three votes, two must agree: with accuracy 0.5 a known share of the rows is dropped.
  const curation = ['--answer', '--verify', '3', '--min-agreement', '0.6'];
  const lines = (dir: string) => readFileSync(join(dir, 'samples.jsonl'), 'utf8').split('\n').filter(Boolean);
  const leafKeys = (from: number) =>
    records.slice(from).flatMap((r) => (r.stage === 'leaf' && r.repairs === 0 ? [r.requestKey] : []));

  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 9,
      answerAccuracy: 0.5,
      latencyMs: 2,
      onRequest: (r) => records.push(r),
    });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('a finished run extended to a larger --max-samples keeps its rows, reaches the new total, pays no call twice', async () => {
    const out = join(work, 'extend');
    const first = await runCli([...base(), '--max-samples', '40', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    const before = lines(out);
    expect(before.length).toBe(40);
    const firstCalls = new Set(leafKeys(0));
    const mark = records.length;

    const extended = await runCli([...base(), '--resume', '--max-samples', '70', '--out', out]);
    expect(extended.code, extended.stderr).toBe(0);
    const after = lines(out);
    expect(after.length).toBe(70);
    // The old rows, byte for byte, at the start of the file.
    expect(after.slice(0, 40)).toEqual(before);
    expect(new Set(after.map((line) => JSON.parse(line).id)).size).toBe(70);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config.maxSamples).toBe(70);
    const newCalls = leafKeys(mark);
    expect(newCalls.length).toBeGreaterThan(0);
    for (const key of newCalls) expect(firstCalls.has(key)).toBe(false);
    // Tree calls are not made again either: only leaf calls reach the endpoint.
    expect(records.slice(mark).every((r) => r.stage === 'leaf')).toBe(true);

    const shrunk = await runCli([...base(), '--resume', '--max-samples', '50', '--out', out]);
    expectOneLineError(shrunk, /maxSamples was 70 in this run and is 50 now/);
    expect(lines(out)).toEqual(after);
  });

  it('--target-rows tops the run up until curation leaves exactly N rows', async () => {
    const out = join(work, 'target');
    const start = records.length;
    const result = await runCli([
      ...base(),
      '--max-samples',
      '40',
      '--out',
      out,
      ...curation,
      '--target-rows',
      '40',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/target 40 rows reached/);
    const curated = readRows(out, 'curated.jsonl');
    expect(curated.length).toBe(40);
    const samples = readRows(out, 'samples.jsonl');
    expect(samples.length).toBeGreaterThan(40);
    const budget = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config.maxSamples;
    expect(budget).toBeGreaterThan(40);
    expect(budget).toBeLessThanOrEqual(80);
    const removed = readRows(out, 'removed.jsonl');
    // Every sample is either kept or removed once, for verification or past the target.
    expect(curated.length + removed.length).toBe(samples.length);
    expect(removed.some((row) => row.reason === 'low agreement')).toBe(true);
    const trimmed = removed.filter((row) => row.reason === 'target-size');
    // Trimmed rows come after every kept row in sample-id order.
    const ids = [...curated.map((row) => row.id), ...trimmed.map((row) => row.id)];
    expect(ids).toEqual([...ids].sort(compareSampleIds));
    const summary = JSON.parse(readFileSync(join(out, 'curation.json'), 'utf8'));
    expect(summary.steps.at(-1).rowsOut).toBe(40);
    // Each row answered once and voted on three times over all the rounds: no curation call paid twice.
    const answers = records.slice(start).filter((r) => r.stage === 'answer' && r.repairs === 0);
    expect(answers.length).toBe(samples.length * 4);
    expect(new Set(answers.map((r) => r.requestKey)).size).toBe(answers.length);

    // The same command again: nothing more to do, nothing paid.
    const mark = records.length;
    const again = await runCli([
      ...base(),
      '--max-samples',
      '40',
      '--resume',
      '--out',
      out,
      ...curation,
      '--target-rows',
      '40',
    ]);
    expect(again.code, again.stderr).toBe(0);
    expect(records.length).toBe(mark);
    expect(readRows(out, 'curated.jsonl')).toEqual(curated);
  });

  it('a bad --target-rows or --max-budget-factor is one line before anything is made', async () => {
    const out = join(work, 'bad');
    const args = [...base(), '--max-samples', '30', '--out', out, ...curation];
    expectOneLineError(await runCli([...args, '--target-rows', '0']), /--target-rows: .*>= 1/);
    expectOneLineError(
      await runCli([...args, '--target-rows', '30', '--max-budget-factor', '0.5']),
      /--max-budget-factor: .*>=1/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('stops at the budget cap with exit 1 and says so', async () => {
    const out = join(work, 'capped');
    const args = [...base(), '--max-samples', '30', '--out', out, ...curation];
    const result = await runCli([...args, '--target-rows', '30', '--max-budget-factor', '1.2']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/target 30 rows NOT reached \(budget cap\)/);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).config.maxSamples).toBe(36);
    expect(readRows(out, 'curated.jsonl').length).toBeLessThan(30);
  });

  it('killed with SIGKILL during a top-up, the resumed command ends with the same curated.jsonl', async () => {
    const args = (out: string) => [
      ...base(),
      '--max-samples',
      '40',
      '--out',
      out,
      ...curation,
      '--target-rows',
      '40',
    ];
    const reference = join(work, 'target');
    const out = join(work, 'killed');
    const child = spawnCli(args(out));
    const done = collect(child);
    // Killed once the first top-up's synthesis has started (the run has grown past its first budget).
    await waitFor(
      () =>
        (existsSync(join(out, 'target.json')) && countLines(join(out, 'samples.jsonl')) > 40) ||
        child.exitCode !== null,
      120_000,
    );
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const resumed = await runCli([...args(out).filter((arg) => arg !== '--resume'), '--resume']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(join(out, 'curated.jsonl'), 'utf8')).toBe(
      readFileSync(join(reference, 'curated.jsonl'), 'utf8'),
    );
    expect(readFileSync(join(out, 'removed.jsonl'), 'utf8')).toBe(
      readFileSync(join(reference, 'removed.jsonl'), 'utf8'),
    );
  });
});
