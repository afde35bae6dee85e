import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { lshBanding } from './_min-hash.js';
import { duplicateRates, normalizeForDuplicates } from './duplicate-rates.js';

const WORDS =
  'apple river stone cloud maple tiger piano orbit candle meadow harbor violet summit lantern falcon ember quartz willow canyon ribbon'.split(
    ' ',
  );

/** A text of `length` words drawn at random (seeded) from a small vocabulary. */
function text(seed: number, length = 40): string {
  const random = createRandom(seed);
  return Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
}

describe('duplicateRates', () => {
  it('counts exact duplicates after normalising case and whitespace', () => {
    expect(normalizeForDuplicates('  Hello\n  World ')).toBe('hello world');
    const result = duplicateRates(['Hello world', 'hello   WORLD', 'hello world!', 'other']);
    expect(result.exactDuplicates).toBe(1);
    expect(result.exactDuplicateRate).toBe(0.25);
  });

  it('finds near-duplicates above the threshold and no others', () => {
    const base = text(1);
    const words = base.split(' ');
    // One word changed out of 40: 38 shingles, 3 differ → Jaccard 35/41 ≈ 0.85.
    const near = [...words.slice(0, 20), 'different', ...words.slice(21)].join(' ');
    // Six words changed, spread out: about 17 of 38 shingles differ, Jaccard ≈ 0.38.
    const far = words.map((word, i) => (i % 7 === 3 ? `changed${i}` : word)).join(' ');
    const texts = [base, near, far, ...Array.from({ length: 50 }, (_, i) => text(i + 100))];
    const result = duplicateRates(texts);
    expect(result.nearDuplicates).toBe(1);
    expect(result.textsWithNearDuplicate).toBeCloseTo(2 / texts.length, 12);
    expect(result.nearDuplicateRate).toBeCloseTo(1 / texts.length, 12);
    expect(duplicateRates(texts, { threshold: 0.3 }).nearDuplicates).toBe(2);
  });

  it('groups near-duplicates transitively', () => {
    const copies = Array.from({ length: 30 }, () => text(5));
    const result = duplicateRates([...copies, text(6), text(7)]);
    expect(result).toMatchObject({ exactDuplicates: 29, nearDuplicates: 29 });
    expect(result.textsWithNearDuplicate).toBeCloseTo(30 / 32, 12);
  });

  it('chooses the narrowest bands that still catch pairs at the threshold', () => {
    expect(lshBanding(0.8, 128)).toEqual({ bands: 18, rows: 7 });
    for (const threshold of [0.5, 0.7, 0.9]) {
      const { bands, rows } = lshBanding(threshold, 128);
      const candidate = (s: number) => 1 - (1 - s ** rows) ** bands;
      expect(candidate(threshold)).toBeGreaterThanOrEqual(0.98);
      expect(1 - (1 - threshold ** (rows + 1)) ** Math.floor(128 / (rows + 1))).toBeLessThan(0.98);
    }
  });
});
