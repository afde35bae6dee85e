import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBenchmarkSet } from '@treesynth/eval';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gsm8kTrainQuestions, replaceWords, shuffled } from './_test-rows.fixture.js';
import { type ContaminationSource, loadContaminationSources } from './contamination-sources.js';
import { countBySource, decontaminate } from './decontaminate.js';
import { normalizedWords, normalizeText } from './normalize-text.js';
import type { FilterRow } from './removal.js';

describe('decontaminate', () => {
  let sources: ContaminationSource[];
  let question: string;
  let shortItem: { source: string; id: string; text: string };
  let controls: FilterRow[];
  const folder = mkdtempSync(join(tmpdir(), 'decontaminate-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  beforeAll(async () => {
    sources = await loadContaminationSources();
    question = (await loadBenchmarkSet('gsm8k-test'))[12]!.question;
    const short = sources
      .flatMap((source) => source.items.map((item) => ({ source: source.name, ...item })))
      .find((item) => normalizedWords(item.text).length < 13 && normalizedWords(item.text).length > 3);
    shortItem = short!;
    controls = (await gsm8kTrainQuestions(1500)).map((text, i) => ({ id: `train.${i}.0`, text }));
  });

  it('loads the four shipped test sets with their item ids', () => {
    expect(sources.map((source) => [source.name, source.items.length])).toEqual([
      ['gsm8k', 1319],
      ['math500', 500],
      ['humaneval', 164],
      ['mbpp', 500],
    ]);
    expect(sources[0]!.items[12]!.text).toBe(question);
    expect(sources[3]!.items[0]!.id).toBe('mbpp/11');
    expect(sources[2]!.items[0]!.id).toBe('HumanEval/0');
  });

  it('removes an exact and a near copy of a GSM8K test question and names the item, leaving real train questions', () => {
    const near = replaceWords(question, [2, 9]);
    expect(normalizeText(near)).not.toBe(normalizeText(question));
    const rows: FilterRow[] = [
      ...controls,
      { id: 'leaf.1.0', text: `  ${question.toUpperCase()} ` },
      { id: 'leaf.2.0', text: near },
      { id: 'leaf.3.0', text: `Solve this: ${shortItem.text}` },
      { id: 'leaf.4.0', text: shortItem.text },
    ];
    const removals = decontaminate(rows, sources);
    const injected = removals.filter((removal) => removal.id.startsWith('leaf.'));
    expect(injected).toHaveLength(3);
    expect(injected[0]).toEqual({
      id: 'leaf.1.0',
      reason: 'contamination',
      source: 'gsm8k',
      itemId: 'gsm8k/12',
      match: 'exact',
      ngram: normalizeText(question),
    });
    expect(injected[1]).toMatchObject({
      id: 'leaf.2.0',
      source: 'gsm8k',
      itemId: 'gsm8k/12',
      match: 'ngram',
    });
    const ngram = injected[1]!.ngram;
    expect(ngram.split(' ')).toHaveLength(13);
    expect(normalizeText(question)).toContain(ngram);
    expect(normalizeText(near)).toContain(ngram);
    // A benchmark item shorter than 13 words is caught only as a whole (exact) copy.
    expect(injected[2]).toMatchObject({
      id: 'leaf.4.0',
      source: shortItem.source,
      itemId: shortItem.id,
      match: 'exact',
    });
    const trainCaught = removals.filter((removal) => removal.id.startsWith('train.'));
    console.log(
      `decontamination (13-grams): ${trainCaught.length} of ${controls.length} GSM8K train questions caught` +
        `${trainCaught.map((removal) => ` (${removal.id} ~ ${removal.itemId}: "${removal.ngram}")`).join('')}`,
    );
    // Real overlaps, not hash collisions: GSM8K's train and test splits share a few 13-word runs
    // (3 in these 1,500 questions); each one named is confirmed in both texts.
    expect(trainCaught.length).toBeLessThanOrEqual(5);
    const gsm8k = sources[0]!.items;
    for (const removal of trainCaught) {
      const index = Number(removal.id.split('.')[1]);
      expect(normalizeText(controls[index]!.text)).toContain(removal.ngram);
      expect(normalizeText(gsm8k[Number(removal.itemId.split('/')[1])]!.text)).toContain(removal.ngram);
    }
    const counts = countBySource(removals, sources);
    expect(Object.keys(counts)).toEqual(['gsm8k', 'math500', 'humaneval', 'mbpp']);
    expect(counts.gsm8k).toBeGreaterThanOrEqual(2);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(removals.length);
  });

  it('gives the same removals for any input order, and the n-gram size is an option', () => {
    const rows: FilterRow[] = [
      ...controls.slice(0, 300),
      { id: 'x.1.0', text: question },
      { id: 'x.2.0', text: replaceWords(question, [3, 17]) },
    ];
    const expected = decontaminate(rows, sources);
    expect(expected.map((removal) => removal.id)).toEqual(expect.arrayContaining(['x.1.0', 'x.2.0']));
    expect(decontaminate(shuffled(rows, 5), sources)).toEqual(expected);
    // With 40-word n-grams the edited copy shares no run that long; the exact copy is still caught.
    const long = decontaminate(rows, sources, { ngramSize: 40 }).map((removal) => removal.id);
    expect(long).toContain('x.1.0');
    expect(long).not.toContain('x.2.0');
    expect(() => decontaminate(rows, sources, { ngramSize: 0 })).toThrow(/^ngramSize: /);
  });

  it('checks user files (JSONL with a field, CSV with quoted fields) under their own names', async () => {
    const jsonl = join(folder, 'private.jsonl');
    writeFileSync(
      jsonl,
      `${JSON.stringify({ prompt: 'x', body: 'The quick brown fox jumps over the lazy dog near the river bank at dawn today' })}\n`,
    );
    const csv = join(folder, 'exam.csv');
    writeFileSync(
      csv,
      'id,question\n1,"A farmer has 17 sheep, and all but 9 run away;\nhow many are left?"\n2,Plain short question here\n',
    );
    const own = await loadContaminationSources({
      benchmarks: [],
      files: [
        { path: jsonl, field: 'body' },
        { path: csv, name: 'exam' },
      ],
    });
    expect(own.map((source) => source.name)).toEqual(['private.jsonl', 'exam']);
    const rows = [
      {
        id: 'a.0.0',
        text: 'Note: the quick brown fox jumps over the lazy dog near the river bank at dawn today, again',
      },
      { id: 'a.1.0', text: 'a farmer has 17 sheep and all but 9 run away how many are left' },
      { id: 'a.2.0', text: 'An unrelated question about apples' },
    ];
    const removals = decontaminate(rows, own);
    expect(removals.map(({ id, source, itemId, match }) => ({ id, source, itemId, match }))).toEqual([
      { id: 'a.0.0', source: 'private.jsonl', itemId: 'private.jsonl/1', match: 'ngram' },
      { id: 'a.1.0', source: 'exam', itemId: 'exam/2', match: 'exact' },
    ]);
    expect(countBySource(removals, own)).toEqual({ 'private.jsonl': 1, exam: 1 });
  });

  it('refuses a missing file, a bad CSV and a bad JSONL row, naming the file and line', async () => {
    const missing = join(folder, 'missing.jsonl');
    await expect(loadContaminationSources({ benchmarks: [], files: [{ path: missing }] })).rejects.toThrow(
      `${missing}: no such file`,
    );
    const badCsv = join(folder, 'bad.csv');
    writeFileSync(badCsv, 'question\n"ok"\n"never closed\n');
    await expect(loadContaminationSources({ benchmarks: [], files: [{ path: badCsv }] })).rejects.toThrow(
      `${badCsv}:3: a quoted field is never closed`,
    );
    const badJsonl = join(folder, 'bad.jsonl');
    writeFileSync(badJsonl, '{"question":"fine"}\n{not json\n');
    await expect(loadContaminationSources({ benchmarks: [], files: [{ path: badJsonl }] })).rejects.toThrow(
      `${badJsonl}:2: not valid JSON`,
    );
    await expect(loadContaminationSources({ benchmarks: ['gsm9k' as 'gsm8k'] })).rejects.toThrow(
      /^benchmarks\[0\]: /,
    );
  });
});
