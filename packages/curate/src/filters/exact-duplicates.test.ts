import { describe, expect, it } from 'vitest';
import { shuffled } from './_test-rows.fixture.js';
import { exactDuplicates } from './exact-duplicates.js';
import { normalizedWords, normalizeText } from './normalize-text.js';

describe('normalizeText', () => {
  it.each([
    ['case and whitespace', 'How  MANY\n\tapples?', 'how many apples'],
    ['NFKC: full-width letters and digits, ligatures', 'Ｔｏｍ has ２ ﬁsh', 'tom has 2 fish'],
    ['punctuation dropped, even in runs', '"Wait..." -- she said; (really)!', 'wait she said really'],
    ['numbers keep internal separators', 'It costs 3.5 or 1,200 or 35.', 'it costs 3.5 or 1,200 or 35'],
    ['symbols kept as tokens', '2+3=5 and $4 is 50%', '2 + 3 = 5 and $ 4 is 50 %'],
    ['operators that are punctuation kept', '6/3 * 2 (#1 & @x)', '6 / 3 * 2 # 1 & @ x'],
    ['apostrophes inside words kept', "Don't stop, Sam's dog", "don't stop sam's dog"],
    ['only punctuation is empty', ' ?!... ', ''],
  ])('%s', (_, text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });

  it('keeps texts that differ in words, numbers or symbols apart', () => {
    expect(normalizeText('3.5 apples')).not.toBe(normalizeText('35 apples'));
    expect(normalizeText('2 + 3')).not.toBe(normalizeText('2 = 3'));
    expect(normalizeText('foo bar')).not.toBe(normalizeText('foobar'));
    expect(normalizeText('6/3')).not.toBe(normalizeText('6 3'));
    expect(normalizedWords('a, b')).toEqual(['a', 'b']);
  });
});

describe('exactDuplicates', () => {
  const rows = [
    { id: 'b.10.0', text: 'How many apples does Tom have?' },
    { id: 'b.9.0', text: 'how many apples does tom have' },
    { id: 'a.2.1', text: 'HOW MANY   APPLES DOES TOM HAVE ?!' },
    { id: 'b.2.0', text: 'How many pears does Tom have?' },
    { id: 'c.0.0', text: 'How many pears does  Tom have' },
    { id: 'c.1.0', text: 'A different question entirely.' },
  ];

  it('keeps the smallest id of each group (leaf, then call and position as numbers) and names it', () => {
    expect(exactDuplicates(rows)).toEqual([
      { id: 'b.9.0', reason: 'exact-duplicate', duplicateOf: 'a.2.1', similarity: 1 },
      { id: 'b.10.0', reason: 'exact-duplicate', duplicateOf: 'a.2.1', similarity: 1 },
      { id: 'c.0.0', reason: 'exact-duplicate', duplicateOf: 'b.2.0', similarity: 1 },
    ]);
  });

  it('gives the same removals for any input order', () => {
    const expected = exactDuplicates(rows);
    for (const seed of [1, 2, 3]) expect(exactDuplicates(shuffled(rows, seed))).toEqual(expected);
  });

  it('refuses a repeated id, naming it', () => {
    expect(() => exactDuplicates([...rows, { id: 'c.1.0', text: 'x' }])).toThrow(
      'rows: id c.1.0 appears twice',
    );
  });
});
