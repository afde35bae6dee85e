import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbedder } from '@treesynth/providers';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './cli-harness.js';
import { readRows } from './curate-sim-rule.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-curate-steps-'));
let simulator: Awaited<ReturnType<typeof startSimulator>>;
const run = (out: string, ...extra: string[]) =>
  runCli([
    'run',
    ...['--task', 'gsm8k', '--model', 'sim', '--base-url', simulator.url, '--depth', '1'],
    ...['--max-samples', '30', '--quiet', '--out', out, ...extra],
  ]);

beforeAll(async () => {
  simulator = await startSimulator({ seed: 3 });
});
afterAll(async () => {
  await simulator?.close();
});

/** A user filter: drops rows whose question holds the settings' `digit`; `reason` names the edit. */
const filterModule = (reason: string) => `
export default function dropDigit(settings) {
  return {
    id: 'drop-digit',
    kind: 'row',
    async run(row) {
      return String(row.question).includes(settings.digit)
        ? { id: row.id, removed: { reason: '${reason}', details: { digit: settings.digit } } }
        : { id: row.id, row };
    },
  };
}
`;

describe('curation.steps: a user step module', () => {
  const folder = join(work, 'custom');
  const out = join(folder, 'run');
  const module = join(folder, 'steps', 'drop-digit.mjs');
  const config = join(folder, 'cfg.json');

  it('runs from `treesynth run --config`, logs its removals, and an edit redoes only it', async () => {
    mkdirSync(join(folder, 'steps'), { recursive: true });
    writeFileSync(module, filterModule('has the digit'));
    writeFileSync(
      config,
      JSON.stringify({ curation: { dedup: {}, steps: [{ module: './steps/drop-digit.mjs', digit: '7' }] } }),
    );
    const made = await run(out, '--config', config);
    expect(made.code, made.stderr).toBe(0);
    const samples = readRows(out, 'samples.jsonl');
    const sevens = samples.filter((row) => String(row.question).includes('7')).map((row) => row.id);
    // The seeded simulator's rows: some hold a 7, some do not (else the test shows nothing).
    expect(sevens.length).toBeGreaterThan(0);
    expect(sevens.length).toBeLessThan(samples.length);
    const removed = readRows(out, 'removed.jsonl').filter((row) => row.step === 'drop-digit');
    expect(removed.map((row) => row.id).sort()).toEqual([...sevens].sort());
    for (const row of removed)
      expect(row).toMatchObject({ reason: 'has the digit', details: { digit: '7' } });
    const curated = readRows(out, 'curated.jsonl');
    for (const row of curated) expect(String(row.question)).not.toContain('7');
    const summary = JSON.parse(readFileSync(join(out, 'curation.json'), 'utf8'));
    expect(summary.steps.map((step: { step: string }) => step.step)).toEqual(['dedup', 'drop-digit']);

    // Same settings: nothing redone. An edited module: its step redone, dedup's log left as it was.
    const dedupLog = join(out, 'curation', 'dedup.jsonl');
    const stepLog = join(out, 'curation', 'drop-digit.jsonl');
    const dedupBefore = [readFileSync(dedupLog, 'utf8'), statSync(dedupLog).mtimeMs];
    writeFileSync(module, filterModule('edited'));
    const again = await runCli(['curate', out]);
    expect(again.code, again.stderr).toBe(0);
    expect([readFileSync(dedupLog, 'utf8'), statSync(dedupLog).mtimeMs]).toEqual(dedupBefore);
    expect(readFileSync(stepLog, 'utf8')).toContain('"edited"');
    const edited = readRows(out, 'removed.jsonl').filter((row) => row.step === 'drop-digit');
    expect(edited.map((row) => row.reason)).toEqual(sevens.map(() => 'edited'));
  }, 120_000);

  it('names the module that is missing or exports no step, in one line', async () => {
    const bad = join(work, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(
      join(bad, 'none.json'),
      JSON.stringify({ curation: { steps: [{ module: './nope.mjs' }] } }),
    );
    expectOneLineError(
      await run(join(bad, 'a'), '--config', join(bad, 'none.json')),
      /curation\.steps\[0\]\.module: cannot read .*nope\.mjs \(ENOENT\)/,
    );
    writeFileSync(join(bad, 'empty.mjs'), 'export const notAStep = 1;\n');
    writeFileSync(
      join(bad, 'empty.json'),
      JSON.stringify({ curation: { steps: [{ module: 'empty.mjs' }] } }),
    );
    expectOneLineError(
      await run(join(bad, 'b'), '--config', join(bad, 'empty.json')),
      /curation\.steps\[0\]\.module: .*empty\.mjs must export/,
    );
    // Checked before the run: nothing was made, nothing paid for.
    expect(existsSync(join(bad, 'a')) || existsSync(join(bad, 'b'))).toBe(false);
  }, 120_000);
});

describe('dedup by embedding', () => {
  const out = join(work, 'embedding');
  const THRESHOLD = 0.9;

  it('removes a reordered paraphrase with the hashing embedder and keeps distinct questions', async () => {
    const made = await run(out);
    expect(made.code, made.stderr).toBe(0);
    const samples = readRows(out, 'samples.jsonl');
    const first = samples[0]!;
    // Every word kept, their order reversed: no 5-word shingle left for MinHash, the same words.
    const reordered = String(first.question).split(/\s+/).reverse().join(' ');
    appendFileSync(
      join(out, 'samples.jsonl'),
      `${JSON.stringify({ ...first, id: 'zz.0.0', question: reordered })}\n`,
    );

    // What the threshold separates, measured with the same embedder.
    const texts = [...samples.map((row) => String(row.question)), reordered];
    const { embeddings } = await createEmbedder('hashing').doEmbed({ values: texts });
    const unit = embeddings.map((vector) => {
      const norm = Math.hypot(...vector);
      return vector.map((value) => value / norm);
    });
    const cosine = (a: number, b: number) =>
      unit[a]!.reduce((sum, value, k) => sum + value * unit[b]![k]!, 0);
    let distinct = -1;
    for (let a = 0; a < samples.length; a++)
      for (let b = a + 1; b < samples.length; b++) distinct = Math.max(distinct, cosine(a, b));
    expect(cosine(0, samples.length)).toBeGreaterThanOrEqual(THRESHOLD);
    expect(distinct).toBeLessThan(THRESHOLD);

    const result = await runCli([
      'curate',
      out,
      ...['--dedup', '--dedup-embedding-threshold', String(THRESHOLD), '--embedder', 'hashing'],
    ]);
    expect(result.code, result.stderr).toBe(0);
    const removed = readRows(out, 'removed.jsonl');
    expect(removed.map((row) => [row.id, row.step, row.reason])).toEqual([
      ['zz.0.0', 'dedup', 'embedding-duplicate'],
    ]);
    expect(removed[0]!.details).toMatchObject({ duplicateOf: first.id });
    expect(readRows(out, 'curated.jsonl')).toHaveLength(samples.length);
    const summary = JSON.parse(readFileSync(join(out, 'curation.json'), 'utf8'));
    expect(summary.steps[0]).toMatchObject({ step: 'dedup', removed: { 'embedding-duplicate': 1 } });
    expect(summary.steps[0].settings.embedding).toEqual({ embedder: 'hashing', threshold: THRESHOLD });

    // Rerun: nothing redone (the log stands); a bad threshold is one line naming the flag.
    const log = join(out, 'curation', 'dedup.jsonl');
    const before = statSync(log).mtimeMs;
    expect((await runCli(['curate', out])).code).toBe(0);
    expect(statSync(log).mtimeMs).toBe(before);
    expectOneLineError(
      await runCli(['curate', out, '--dedup-embedding-threshold', '1.5']),
      /--dedup-embedding-threshold: /,
    );
  }, 120_000);
});
