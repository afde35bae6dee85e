import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type CompareDatasetsOptions, type CompareProgress, compareDatasets } from '../index.js';
import { writeRunFolder } from './_run-folder.fixture.js';
import { wordEmbedder } from './_word-embedder.fixture.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-compare-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const QUESTIONS = [
  'A train leaves at noon travelling 60 miles per hour.',
  'Sara buys three notebooks for two dollars each.',
  'The garden is nine metres long and four wide.',
  'Tom reads twelve pages every evening for a week.',
  'A baker sells forty loaves on Monday and half as many on Tuesday.',
  'Each box holds six eggs; how many boxes hold ninety eggs?',
];

function writeLines(name: string, lines: (string | Record<string, unknown>)[]): string {
  const file = join(work, name);
  const text = lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
  writeFileSync(file, `${text.join('\n')}\n`);
  return file;
}

describe('compareDatasets', () => {
  it('scores a file and the same rows in memory identically', async () => {
    const records = QUESTIONS.map((question) => ({ question, answer: '#### 1' }));
    const file = writeLines('questions.jsonl', records);
    const embedder = wordEmbedder();
    const result = await compareDatasets({
      datasets: [{ path: file }, { name: 'memory', rows: records }],
      embedder,
    });
    expect(result.embedder).toBe('test/words-64');
    const [fromFile, fromMemory] = result.datasets;
    expect(fromFile).toMatchObject({ name: 'questions', kind: 'file', source: file, field: 'question' });
    expect(fromMemory).toMatchObject({ name: 'memory', kind: 'rows', field: 'question', samples: 6 });
    expect(fromMemory!.source).toBeUndefined();
    expect(fromFile!.metrics.meanCosine).toBeGreaterThan(0);
    expect(fromFile!.metrics.meanCosine).toBe(fromMemory!.metrics.meanCosine);
    expect(fromFile!.metrics.vendi).toBe(fromMemory!.metrics.vendi);
    expect(fromFile!.metrics.vendi!).toBeGreaterThan(2);
    expect(result.table.columns).toEqual(['questions', 'memory']);
    const ids = result.table.rows.map((row) => row.id);
    expect(ids).toEqual(expect.arrayContaining(['samples', 'meanCosine', 'vendi', 'selfBleu']));
    expect(ids).not.toContain('leafEntropy');
    for (const row of result.table.rows) expect(row.values[0], row.id).toBe(row.values[1]);
    const vendi = result.table.rows.find((row) => row.id === 'vendi')!;
    expect(vendi).toMatchObject({ name: 'Vendi score', direction: 'higher is more diverse' });
    // Each distinct text embedded once per dataset, in the embedder's batches.
    expect(embedder.calls.flat()).toHaveLength(12);
  });

  it('scores a collapsed dataset as one effective sample', async () => {
    const rows = Array.from({ length: 60 }, () => ({ question: 'How many apples are left in the basket?' }));
    const { datasets } = await compareDatasets({
      datasets: [{ name: 'same', rows }],
      embedder: wordEmbedder(),
    });
    const { metrics, samples } = datasets[0]!;
    expect(samples).toBe(60);
    expect(Math.abs(metrics.vendi! - 1)).toBeLessThan(1e-6);
    expect(Math.abs(metrics.meanCosine! - 1)).toBeLessThan(1e-6);
    expect(metrics.duplicates!.exactDuplicateRate).toBeCloseTo(59 / 60, 12);
  });

  it('reads a run folder with its task field, tree and provenance', async () => {
    const run = join(work, 'run');
    const leaves = await writeRunFolder(run, {
      algebra: QUESTIONS.slice(0, 3),
      geometry: QUESTIONS.slice(3),
    });
    const { datasets, table, embedder } = await compareDatasets({ datasets: [{ path: run }] });
    expect(embedder).toBeNull();
    const [dataset] = datasets;
    expect(dataset).toMatchObject({ name: 'run', kind: 'run', field: 'question', rows: 6, simulated: true });
    expect(dataset!.metrics.meanCosine).toBeUndefined();
    expect(dataset!.metrics.leafCoverage).toMatchObject({ leaves: 2, coveredLeaves: 2, coverage: 1 });
    expect(dataset!.metrics.leafCoverage!.normalizedEntropy).toBeCloseTo(1, 12);
    expect(leaves).toHaveLength(2);
    expect(table.rows.find((row) => row.id === 'leavesCovered')!.values).toEqual([1]);
  });

  it('draws `limit` rows with the seed, the same ones each time', async () => {
    const file = writeLines(
      'twelve.jsonl',
      QUESTIONS.concat(QUESTIONS.map((question) => `${question} Twice.`)).map((text) => ({ text })),
    );
    const compare = (seed: number) =>
      compareDatasets({ datasets: [{ path: file }], limit: 4, seed, embedder: wordEmbedder() });
    const [first, again, other] = await Promise.all([compare(3), compare(3), compare(4)]);
    expect(first!.datasets[0]).toMatchObject({ rows: 12, samples: 4, field: 'text' });
    expect(again!.datasets[0]!.metrics).toEqual(first!.datasets[0]!.metrics);
    expect(other!.datasets[0]!.metrics.meanCosine).not.toBe(first!.datasets[0]!.metrics.meanCosine);
  });

  it('leaves bad rows out and reports them by line, and makes names unique', async () => {
    const file = writeLines('mixed.jsonl', [
      { question: QUESTIONS[0]! },
      '{"question": "broken',
      '[1, 2]',
      { prompt: 'no question field' },
      { question: QUESTIONS[1]! },
    ]);
    const events: CompareProgress[] = [];
    const { datasets } = await compareDatasets({
      datasets: [{ path: file }, { path: file }],
      onProgress: (event) => events.push(event),
    });
    expect(datasets.map((dataset) => dataset.name)).toEqual(['mixed', 'mixed (2)']);
    expect(datasets[0]!.samples).toBe(2);
    const expected = `${file}: 3 bad rows left out (line 2: not valid JSON; line 3: not a JSON object; line 4: no "question" field)`;
    expect(datasets[0]!.problems).toBe(expected);
    expect(events.filter((event) => event.kind === 'rows-skipped')).toEqual([
      { kind: 'rows-skipped', dataset: 'mixed', skipped: 3, message: expected },
      { kind: 'rows-skipped', dataset: 'mixed (2)', skipped: 3, message: expected },
    ]);
    expect(events.filter((event) => event.kind === 'scored').map((event) => event.message)).toEqual([
      expect.stringMatching(/^mixed: metrics in \d+\.\ds$/),
      expect.stringMatching(/^mixed \(2\): metrics in \d+\.\ds$/),
    ]);
  });

  it('names the option or file that is wrong', async () => {
    const file = writeLines('plain.jsonl', [{ body: 'a' }, { body: 'b' }]);
    const refused = (options: CompareDatasetsOptions, expected: { path?: string; message?: string }) =>
      expect(compareDatasets(options)).rejects.toMatchObject({ name: 'ConfigError', ...expected });
    await refused({ datasets: [] }, { path: 'datasets' });
    await refused({ datasets: [{ path: file }], limit: 1 }, { path: 'limit' });
    await refused({ datasets: [{ path: file }], seed: -1 }, { path: 'seed' });
    await refused({ datasets: [{ rows: [] }] }, { path: 'datasets[0].name' });
    await refused({ datasets: [{ path: file }], embedder: {} as never }, { path: 'embedder' });
    await refused(
      { datasets: [{ path: file }] },
      {
        path: 'field',
        message: `field: which field of ${file} holds the text? (string fields in its first row: body)`,
      },
    );
    const missing = join(work, 'nope.jsonl');
    await refused({ datasets: [{ path: missing }] }, { message: `${missing}: no such file or run folder` });
    await refused(
      { datasets: [{ path: work }] },
      {
        message: `${work}: is a folder without run.json; expected a TreeSynth run folder or a JSONL/JSON file`,
      },
    );
    await refused(
      { datasets: [{ name: 'x', rows: ['text', { body: 'b' }] }], field: 'question' },
      { message: 'datasets[0].rows:1: no usable rows; 2 bad, the first: not a JSON object' },
    );
  });
});
