import { createRandom } from '@treesynth/core/internal';
import { loadBenchmarkSet } from '@treesynth/eval';
import { sortedJaccard } from '@treesynth/eval/internal';
import { beforeAll, describe, expect, it } from 'vitest';
import { gsm8kTrainQuestions, replaceWords, shuffled } from './_test-rows.fixture.js';
import { characterShingleSet, nearDuplicates } from './near-duplicates.js';
import { normalizeText } from './normalize-text.js';
import type { FilterRow } from './removal.js';

const jaccard = (a: string, b: string) =>
  sortedJaccard(characterShingleSet(normalizeText(a), 5), characterShingleSet(normalizeText(b), 5));

describe('nearDuplicates', () => {
  let bases: string[];
  let controls: string[];
  beforeAll(async () => {
    bases = (await loadBenchmarkSet('gsm8k-test')).slice(0, 150).map((row) => row.question);
    controls = await gsm8kTrainQuestions(2000);
  });

  it('removes copies with a few words changed, and leaves 2,000 distinct GSM8K questions alone', () => {
    const random = createRandom(7);
    const copies = bases.map((text, i) => {
      // 1 to 3 words replaced at random places, plus case and punctuation noise.
      const changes = 1 + (i % 3);
      const positions = Array.from({ length: changes }, () => Math.floor(random() * 200));
      return `${replaceWords(text, positions).toUpperCase()}!!`;
    });
    const rows: FilterRow[] = [
      ...bases.map((text, i) => ({ id: `a.${i}.0`, text })),
      ...copies.map((text, i) => ({ id: `b.${i}.0`, text })),
      ...controls.map((text, i) => ({ id: `c.${i}.0`, text })),
    ];
    const removals = nearDuplicates(rows);
    const removed = new Map(removals.map((removal) => [removal.id, removal]));

    // Every removal is a real pair at or above the threshold, naming the kept (smaller) id.
    for (const removal of removals) {
      expect(removal.similarity).toBeGreaterThanOrEqual(0.8);
      expect(removed.has(removal.duplicateOf)).toBe(false);
    }
    const above = copies.flatMap((copy, i) => (jaccard(bases[i]!, copy) >= 0.8 ? [i] : []));
    const caught = above.filter((i) => removed.get(`b.${i}.0`)?.duplicateOf === `a.${i}.0`);
    const falsePositives = removals.filter((removal) => removal.id.startsWith('c.'));
    const byChanges = [1, 2, 3].map((changes) => {
      const group = copies.flatMap((_, i) => (i % 3 === changes - 1 ? [i] : []));
      return `${changes} word(s): ${group.filter((i) => removed.has(`b.${i}.0`)).length}/${group.length}`;
    });
    console.log(
      `near duplicates at Jaccard 0.8 (character 5-grams): copies removed ${byChanges.join(', ')}; ` +
        `${caught.length}/${above.length} copies at or above the threshold caught; ` +
        `false positives among ${controls.length} GSM8K train questions: ${falsePositives.length}`,
    );
    // LSH catches a pair at the threshold with probability ≥ 0.98, and more above it.
    expect(caught.length).toBeGreaterThanOrEqual(Math.floor(0.97 * above.length));
    expect(above.length).toBeGreaterThan(0.6 * copies.length);
    expect(removed.size).toBeGreaterThan(0.6 * copies.length);
    expect(falsePositives.length).toBeLessThanOrEqual(3);
    // No base (the smaller id of each pair) is ever removed for its copy.
    expect(removals.filter((removal) => removal.id.startsWith('a.'))).toEqual([]);
  });

  it('gives the same removals for any input order', () => {
    const rows = [
      ...bases.slice(0, 60).map((text, i) => ({ id: `q.${i}.0`, text })),
      ...bases.slice(0, 60).map((text, i) => ({ id: `q.${i}.1`, text: replaceWords(text, [i + 3]) })),
      ...controls.slice(0, 200).map((text, i) => ({ id: `r.${i}.0`, text })),
    ];
    const expected = nearDuplicates(rows);
    expect(expected.length).toBeGreaterThan(50);
    for (const seed of [1, 2]) expect(nearDuplicates(shuffled(rows, seed))).toEqual(expected);
  });

  it('leaves a heavily edited copy below the threshold, and the threshold and seed are options', () => {
    const base = bases[0]!;
    const far = replaceWords(base, [1, 5, 9, 13, 17, 21, 25, 29]);
    const rows = [
      { id: 'a.0.0', text: base },
      { id: 'a.1.0', text: far },
    ];
    const similarity = jaccard(base, far);
    expect(similarity).toBeLessThan(0.8);
    expect(nearDuplicates(rows)).toEqual([]);
    const loose = nearDuplicates(rows, { threshold: similarity - 0.05, seed: 'other' });
    expect(loose).toEqual([{ id: 'a.1.0', reason: 'near-duplicate', duplicateOf: 'a.0.0', similarity }]);
    expect(nearDuplicates(rows, { shingles: 'words', shingleSize: 1, threshold: 0.5 })).toHaveLength(1);
  });

  it('names a bad option', () => {
    expect(() => nearDuplicates([], { threshold: 2 })).toThrow(/^threshold: /);
    expect(() => nearDuplicates([], { shingles: 'bytes' as 'words' })).toThrow(/^shingles: /);
  });
});
