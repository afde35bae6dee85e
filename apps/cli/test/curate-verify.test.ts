import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareSampleIds } from '@treesynth/core/internal';
import { type SimulatorRequestRecord, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';
import { documentedAnswer, documentedVote, readRows } from './curate-sim-rule.js';

/**
 * Issue 11, "Must show": self-consistency keeps exactly the rows it should, and code whose tests fail
 * is dropped. The simulator answers over HTTP; the CLI runs as a child process; the expected rows are
 * recomputed from the simulator's documented rule.
 */
describe('treesynth run --answer --verify against the simulator', () => {
  const SEED = 3;
  const ACCURACY = 0.6;
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  const records: SimulatorRequestRecord[] = [];
  const work = mkdtempSync(join(tmpdir(), 'treesynth-curate-verify-'));
  const run = (task: string, out: string, ...curation: string[]) =>
    runCli([
      'run',
      ...['--task', task, '--model', 'sim', '--base-url', simulator.url],
      ...['--depth', '2', '--max-samples', '80', '--seed', '4', '--quiet', '--out', out],
      ...curation,
    ]);

  beforeAll(async () => {
    simulator = await startSimulator({
      seed: SEED,
      answerAccuracy: ACCURACY,
      onRequest: (r) => records.push(r),
    });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  for (const [task, field, votes, minAgreement] of [
    ['gsm8k', 'question', 5, 0.6],
    ['math', 'problem', 4, 0.5],
  ] as const) {
    it(`${task}: keeps exactly the rows whose majority reaches ${minAgreement} of ${votes} votes`, async () => {
      const out = join(work, task);
      const result = await run(task, out, '--verify', String(votes), '--min-agreement', String(minAgreement));
      expect(result.code, result.stderr).toBe(0);
      // curated.jsonl is in sample-id order; samples.jsonl in the order the calls finished.
      const samples = readRows(out, 'samples.jsonl').sort((a, b) => compareSampleIds(a.id, b.id));
      expect(samples.length).toBe(80);
      const expected = samples.map((row) => ({
        id: row.id,
        vote: documentedVote(SEED, String(row[field]), votes, ACCURACY),
      }));
      const kept = expected.filter((row) => row.vote.agreement >= minAgreement);
      // Both outcomes occur, so the check can fail either way.
      expect(kept.length).toBeGreaterThan(0);
      expect(kept.length).toBeLessThan(samples.length);

      const curated = readRows(out, 'curated.jsonl');
      expect(curated.map((row) => row.id)).toEqual(kept.map((row) => row.id));
      const removed = readRows(out, 'removed.jsonl');
      expect(removed.map((row) => row.id).sort()).toEqual(
        expected
          .filter((row) => row.vote.agreement < minAgreement)
          .map((row) => row.id)
          .sort(),
      );
      for (const row of removed) expect([row.step, row.reason]).toEqual(['verify', 'low agreement']);
      const byId = new Map(kept.map((row) => [row.id, row.vote]));
      for (const row of curated) {
        const vote = byId.get(row.id)!;
        const verification = row.verification as { agreement: number; answer: string };
        expect(verification.agreement).toBe(vote.agreement);
        // The row's own final answer is the majority's (MATH writes it as 42, 42.0 or \frac{84}{2}).
        const final = task === 'gsm8k' ? /#### (\d+)$/.exec(String(row.answer))?.[1] : String(row.answer);
        const value = final?.startsWith('\\frac') ? Number(/\{(\d+)\}/.exec(final)![1]) / 2 : Number(final);
        expect(value, row.id).toBe(vote.value);
      }
      const summary = JSON.parse(readFileSync(join(out, 'curation.json'), 'utf8'));
      expect(
        summary.steps.map((step: { step: string; rowsOut: number }) => [step.step, step.rowsOut]),
      ).toEqual([
        ['answer', 80],
        ['verify', kept.length],
      ]);
    }, 120_000);
  }

  it('code: a solution that fails its own tests in the sandbox is dropped', async () => {
    const out = join(work, 'code');
    const result = await run('code', out, '--answer', '--verify', '1');
    expect(result.code, result.stderr).toBe(0);
    const samples = readRows(out, 'samples.jsonl').sort((a, b) => compareSampleIds(a.id, b.id));
    // The answer call is vote 0: a wrong one computes x * k + 1 and fails its asserts.
    const passing = samples.filter(
      (row) => documentedAnswer(SEED, String(row.instruction), 0, ACCURACY).right,
    );
    expect(passing.length).toBeGreaterThan(0);
    expect(passing.length).toBeLessThan(samples.length);
    const curated = readRows(out, 'curated.jsonl');
    expect(curated.map((row) => row.id)).toEqual(passing.map((row) => row.id));
    for (const row of curated) {
      expect(row.verification).toEqual({ method: 'tests', passed: true });
      expect(String(row.tests)).toMatch(/^assert /);
    }
    const removed = readRows(out, 'removed.jsonl');
    expect(removed.length).toBe(samples.length - passing.length);
    for (const row of removed) {
      expect([row.step, row.reason]).toEqual(['verify', 'tests failed']);
      expect((row.details as { error: string }).error).toMatch(/AssertionError/);
    }
    // The sandbox made no model calls: only the answers were asked for.
    expect(records.filter((record) => record.stage === 'answer').length).toBeGreaterThanOrEqual(
      samples.length,
    );
  }, 120_000);

  it('code, CodeT-style: a row keeps the solution that passes the pooled tests, if any of its solutions does', async () => {
    const out = join(work, 'code-cross');
    const result = await run('code', out, '--verify', '3', '--cross-tests');
    expect(result.code, result.stderr).toBe(0);
    const samples = readRows(out, 'samples.jsonl').sort((a, b) => compareSampleIds(a.id, b.id));
    // The simulator's tests are always right; a wrong solution passes none of them, a right one all.
    const rightVotes = (row: (typeof samples)[number]) =>
      [0, 1, 2, 3].filter((vote) => documentedAnswer(SEED, String(row.instruction), vote, ACCURACY).right);
    const kept = samples.filter((row) => rightVotes(row).length > 0);
    expect(kept.length).toBeLessThan(samples.length);
    const curated = readRows(out, 'curated.jsonl');
    expect(curated.map((row) => row.id)).toEqual(kept.map((row) => row.id));
    let replaced = 0;
    for (const row of curated) {
      expect(String(row.output)).not.toMatch(/\+ 1\n/);
      const own = rightVotes(samples.find((sample) => sample.id === row.id)!).includes(0);
      expect((row.verification as { replaced: boolean }).replaced).toBe(!own);
      if (!own) replaced++;
    }
    // Cross-testing rescued rows whose own solution was wrong.
    expect(replaced).toBeGreaterThan(0);
  }, 120_000);
});
