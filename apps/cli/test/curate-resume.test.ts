import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatorRequestRecord, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, countLines, runCli, spawnCli, waitFor } from './cli-harness.js';

/**
 * docs/curate.md, "Resume": curation killed with SIGKILL during each model step ends, after the same
 * command again, with the uninterrupted run's curated.jsonl and removed.jsonl byte for byte, and pays
 * again only for calls in flight at the kill; a changed setting redoes only its step and later ones.
 */
describe('treesynth curate: kill -9, resume, changed settings', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let records: SimulatorRequestRecord[] = [];
  const work = mkdtempSync(join(tmpdir(), 'treesynth-curate-resume-'));
  const base = join(work, 'base');
  const reference = join(work, 'reference');
  const CONCURRENCY = 4;
  const VOTES = 3;
  const curateArgs = (dir: string, ...extra: string[]) => [
    'curate',
    dir,
    ...['--base-url', simulator.url, '--answer', '--verify', String(VOTES), '--judge'],
    ...['--curate-concurrency', String(CONCURRENCY), ...extra],
  ];
  const byStage = (list: readonly SimulatorRequestRecord[]) => {
    const counts: Record<string, number> = {};
    for (const record of list) counts[record.stage] = (counts[record.stage] ?? 0) + 1;
    return counts;
  };
  const bytes = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
  let referenceCalls: Record<string, number> = {};
  let rows = 0;

  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 9,
      latencyMs: { min: 2, max: 12 },
      onRequest: (record) => records.push(record),
    });
    const made = await runCli([
      'run',
      ...['--task', 'gsm8k', '--model', 'sim', '--base-url', simulator.url, '--depth', '2'],
      ...['--max-samples', '120', '--seed', '2', '--quiet', '--out', base],
    ]);
    expect(made.code, made.stderr).toBe(0);
    rows = countLines(join(base, 'samples.jsonl'));
    cpSync(base, reference, { recursive: true });
    records = [];
    const curated = await runCli(curateArgs(reference));
    expect(curated.code, curated.stderr).toBe(0);
    referenceCalls = byStage(records);
  }, 180_000);

  afterAll(async () => {
    await simulator?.close();
  });

  it('the reference curation calls every step', () => {
    expect(rows).toBe(120);
    // Verification's votes are answer requests too (seeds 1..n; the answer step's is seed 0).
    expect(referenceCalls.answer).toBe(rows * (1 + VOTES));
    expect(referenceCalls.judge).toBeGreaterThan(0);
    // Every row is in curated.jsonl or removed.jsonl; the judge saw the rows verification kept.
    expect(countLines(join(reference, 'curated.jsonl')) + countLines(join(reference, 'removed.jsonl'))).toBe(
      rows,
    );
    expect(referenceCalls.judge).toBe(rows - countRemoved(reference, 'verify'));
  });

  for (const step of ['answer', 'verify', 'judge'] as const) {
    it(`killed during ${step}, the resumed curation equals the uninterrupted one`, async () => {
      const dir = join(work, `killed-${step}`);
      cpSync(base, dir, { recursive: true });
      records = [];
      const child = spawnCli(curateArgs(dir));
      const done = collect(child);
      const log = join(dir, 'curation', `${step}.jsonl`);
      // Half of the step's rows logged (the header line is the first).
      await waitFor(() => countLines(log) > 1 + rows / 4 || child.exitCode !== null, 120_000);
      child.kill('SIGKILL');
      const killed = await done;
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      // Killed inside the step: its log is shorter than the finished one.
      expect(countLines(log)).toBeLessThan(countLines(join(reference, 'curation', `${step}.jsonl`)));
      const resumed = await runCli(curateArgs(dir));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(bytes(dir, 'curated.jsonl')).toBe(bytes(reference, 'curated.jsonl'));
      expect(bytes(dir, 'removed.jsonl')).toBe(bytes(reference, 'removed.jsonl'));
      // No call paid twice, except those in flight at the kill (rows in flight, each with its votes).
      const keys = records.map((record) => record.requestKey);
      const repeated = keys.length - new Set(keys).size;
      expect(repeated).toBeLessThanOrEqual(CONCURRENCY * VOTES);
      expect(new Set(keys).size).toBe(referenceCalls.answer! + referenceCalls.judge!);
    }, 180_000);
  }

  it('rerun with the same settings calls nothing; a changed setting redoes its step and later ones', async () => {
    const dir = join(work, 'changed');
    cpSync(reference, dir, { recursive: true });
    records = [];
    const same = await runCli(curateArgs(dir));
    expect(same.code, same.stderr).toBe(0);
    expect(records).toHaveLength(0);
    expect(bytes(dir, 'curated.jsonl')).toBe(bytes(reference, 'curated.jsonl'));

    // The judge's threshold: no call at all, the earlier steps' logs untouched.
    const answerLog = bytes(dir, 'curation/answer.jsonl');
    const verifyLog = bytes(dir, 'curation/verify.jsonl');
    const stricter = await runCli(curateArgs(dir, '--judge-threshold', '4.5'));
    expect(stricter.code, stricter.stderr).toBe(0);
    expect(records).toHaveLength(0);
    expect(bytes(dir, 'curation/answer.jsonl')).toBe(answerLog);
    expect(bytes(dir, 'curation/verify.jsonl')).toBe(verifyLog);
    const summary = JSON.parse(bytes(dir, 'curation.json'));
    expect(summary.steps[2].settings.threshold).toBe(4.5);

    // One more vote: the answer step is not redone, verification asks only the new vote of each row;
    // the judge pays only for rows whose answer changed (the rest are in the response cache).
    const more = await runCli(curateArgs(dir, '--verify', String(VOTES + 1), '--judge-threshold', '4.5'));
    expect(more.code, more.stderr).toBe(0);
    const calls = byStage(records);
    expect(calls.answer).toBe(rows);
    expect(calls.judge ?? 0).toBeLessThan(referenceCalls.judge!);
    expect(bytes(dir, 'curation/answer.jsonl')).toBe(answerLog);

    // `treesynth run --resume` of the finished run with a new curation setting: the run has nothing
    // to do, curation keeps its last settings but the one changed, and only the judge is redone.
    records = [];
    const verifyBefore = bytes(dir, 'curation/verify.jsonl');
    const resumed = await runCli([
      'run',
      '--resume',
      '--out',
      dir,
      '--base-url',
      simulator.url,
      '--quiet',
      '--judge-threshold',
      '2',
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(records).toHaveLength(0);
    expect(resumed.stdout).toMatch(/\n {2}judge +\d+ → \d+.*, 0 calls paid/);
    expect(bytes(dir, 'curation/verify.jsonl')).toBe(verifyBefore);
    const last = JSON.parse(bytes(dir, 'curation.json'));
    expect(last.config).toMatchObject({ verify: { samples: VOTES + 1 }, judge: { threshold: 2 } });
  }, 180_000);
});

function countRemoved(dir: string, step: string): number {
  return readFileSync(join(dir, 'removed.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && JSON.parse(line).step === step).length;
}
