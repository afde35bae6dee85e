import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './cli-harness.js';
import { readJsonl } from './curate-sim-rule.js';
import { wordProblemLines } from './word-problems.fixture.js';

type BalancedRow = Record<string, unknown> & { treesynth: { origin: string; line?: number } };

/** `treesynth balance --answer / --verify N`: synthesized rows answered and verified, human rows untouched. */
describe('treesynth balance --answer --verify', () => {
  const work = mkdtempSync(join(tmpdir(), 'treesynth-balance-answer-'));
  const data = join(work, 'train.jsonl');
  const lines = wordProblemLines(30);
  writeFileSync(data, `${lines.join('\n')}\n`);
  const args = (out: string, ...extra: string[]) => [
    ...['balance', '--data', data, '--field', 'question', '--task', 'gsm8k', '--depth', '1'],
    ...['--out', join(work, out), '--quiet', ...extra],
  ];
  const rows = (out: string) => readJsonl(join(work, out, 'balanced.jsonl')) as unknown as BalancedRow[];

  it('answers the synthesized rows and leaves the input rows as they were', async () => {
    const plain = await runCli(args('plain'));
    expect(plain.code, plain.stderr).toBe(0);
    const answered = await runCli(args('answered', '--verify', '3'));
    expect(answered.code, answered.stderr).toBe(0);

    const synthesized = (out: string) => rows(out).filter((row) => row.treesynth.origin === 'synthesized');
    // Without the flags the synthesized rows carry only the input's field; with them, a GSM8K answer.
    expect(synthesized('plain').length).toBeGreaterThan(0);
    for (const row of synthesized('plain')) expect(row.answer).toBeUndefined();
    const withAnswers = synthesized('answered');
    expect(withAnswers.length).toBeGreaterThan(0);
    for (const row of withAnswers) expect(row.answer).toMatch(/\n#### -?\d+$/);
    // Every synthesized row was voted on: the ones kept here, the others logged as removed.
    const verify = readJsonl(join(work, 'answered', 'curation', 'verify.jsonl')).filter(
      (line) => 'id' in line,
    );
    expect(verify.length).toBeGreaterThanOrEqual(withAnswers.length);

    // The input's rows: every field as the input line had it, only provenance added.
    const originals = rows('answered').filter((row) => row.treesynth.origin !== 'synthesized');
    expect(originals.length).toBeGreaterThan(0);
    for (const row of originals) {
      const { treesynth, ...fields } = row;
      expect(fields).toEqual(JSON.parse(lines[treesynth.line! - 1]!));
    }
    expect(existsSync(join(work, 'plain', 'curation'))).toBe(false);
  }, 180_000);

  it('a bad --verify is one line naming the flag', async () => {
    expectOneLineError(await runCli(args('bad', '--verify', '0')), /--verify: /);
  });
});
