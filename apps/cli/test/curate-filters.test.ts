import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBenchmarkSet } from '@treesynth/eval';
import { type SimulatorRequestRecord, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './cli-harness.js';
import { readRows } from './curate-sim-rule.js';

/**
 * Issue 11, "Must show": an injected exact copy and a near copy of a GSM8K test question are removed
 * by decontamination and named in the record of removals; a copied row is removed by dedup; neither
 * filter pays for a call, and the removed rows are never answered.
 */
describe('treesynth run --dedup --decontaminate', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  const records: SimulatorRequestRecord[] = [];
  const work = mkdtempSync(join(tmpdir(), 'treesynth-curate-filters-'));
  const out = join(work, 'run');

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 2, onRequest: (record) => records.push(record) });
    const made = await runCli([
      'run',
      ...['--task', 'gsm8k', '--model', 'sim', '--base-url', simulator.url, '--depth', '1'],
      ...['--max-samples', '30', '--quiet', '--out', out],
    ]);
    expect(made.code, made.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await simulator?.close();
  });

  it('names the contaminated copies and the duplicate, and answers only what is left', async () => {
    const test = await loadBenchmarkSet('gsm8k-test');
    const exact = test[7]!.question;
    // A near copy: a lead-in added and a word changed; long runs of 13 words still match.
    const near = `Here is a puzzle. ${test[21]!.question.replace(/\bhow\b/i, 'tell me how')}`;
    const [first] = readRows(out, 'samples.jsonl');
    const lines = [
      { ...first, id: 'zz.0.0', question: exact },
      { ...first, id: 'zz.0.1', question: near },
      { ...first, id: 'zz.0.2', question: `  ${String(first!.question).toUpperCase()}!` },
    ];
    appendFileSync(join(out, 'samples.jsonl'), lines.map((line) => `${JSON.stringify(line)}\n`).join(''));

    records.length = 0;
    const result = await runCli(['curate', out, '--dedup', '--decontaminate', '--answer']);
    expect(result.code, result.stderr).toBe(0);
    const removed = readRows(out, 'removed.jsonl');
    expect(removed.map((row) => [row.id, row.step, row.reason])).toEqual([
      ['zz.0.2', 'dedup', 'exact-duplicate'],
      ['zz.0.0', 'decontaminate', 'contamination: gsm8k'],
      ['zz.0.1', 'decontaminate', 'contamination: gsm8k'],
    ]);
    expect(removed[0]!.details).toMatchObject({ duplicateOf: first!.id, similarity: 1 });
    expect(removed[1]!.details).toMatchObject({ source: 'gsm8k', itemId: 'gsm8k/7', match: 'exact' });
    expect(removed[2]!.details).toMatchObject({ source: 'gsm8k', itemId: 'gsm8k/21', match: 'ngram' });
    const curated = readRows(out, 'curated.jsonl');
    expect(curated).toHaveLength(30);
    // Only the 30 rows left were answered: the filters made no call.
    expect(records.map((record) => record.stage)).toEqual(new Array(30).fill('answer'));
    const summary = JSON.parse(readFileSync(join(out, 'curation.json'), 'utf8'));
    expect(summary.steps.slice(0, 2)).toMatchObject([
      { step: 'dedup', rowsIn: 33, rowsOut: 32, removed: { 'exact-duplicate': 1 }, calls: 0 },
      { step: 'decontaminate', rowsIn: 32, rowsOut: 30, removed: { 'contamination: gsm8k': 2 }, calls: 0 },
    ]);
  }, 120_000);

  it('bad input: one line naming the flag or the folder', async () => {
    expectOneLineError(await runCli(['curate', work, '--answer']), /is not a run folder/);
    expectOneLineError(
      await runCli(['curate', out, '--verify', '0']),
      /--verify: expected a whole number from 1 to 64/,
    );
    expectOneLineError(await runCli(['curate', out, '--min-agreement', '2']), /--min-agreement: /);
    expectOneLineError(await runCli(['curate', out, '--dedup-threshold', '1.5']), /--dedup-threshold: /);
    expectOneLineError(await runCli(['curate', out, '--answer-temperature', '3']), /--answer-temperature: /);
    // A folder curated before runs again with its last settings; one never curated needs a step.
    expectOneLineError(await runCli(['curate', join(work, 'fresh')]), /is not a run folder/);
  }, 120_000);
});
