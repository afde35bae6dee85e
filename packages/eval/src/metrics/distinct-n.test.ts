import { describe, expect, it } from 'vitest';
import { distinctN } from './distinct-n.js';
import { tokenizeWords } from './tokenize-words.js';

describe('tokenizeWords', () => {
  it('splits words, numbers and punctuation and lower-cases', () => {
    expect(tokenizeWords("Don't pay $1,200.50 for 3 Cats!")).toEqual([
      "don't",
      'pay',
      '$',
      '1,200.50',
      'for',
      '3',
      'cats',
      '!',
    ]);
    expect(tokenizeWords('  ')).toEqual([]);
  });
});

describe('distinctN', () => {
  it('counts unique over total n-grams on a tiny corpus, never across texts', () => {
    // Tokens: [the cat sat] [the cat ran] [the dog]
    const [one, two, three] = distinctN(['The cat sat', 'the cat ran', 'THE dog']);
    expect(one).toEqual({ order: 1, unique: 5, total: 8, ratio: 5 / 8 });
    // the-cat, cat-sat, the-cat, cat-ran, the-dog (no sat-the across texts)
    expect(two).toEqual({ order: 2, unique: 4, total: 5, ratio: 4 / 5 });
    expect(three).toEqual({ order: 3, unique: 2, total: 2, ratio: 1 });
  });

  it('is NaN without n-grams and 1 for a corpus without repeats', () => {
    expect(distinctN(['a'], { orders: [2] })[0]?.ratio).toBeNaN();
    expect(distinctN(['a b c', 'd e f'], { orders: [1] })[0]?.ratio).toBe(1);
  });

  it('agrees with a string set when the numeric keys would overflow', () => {
    // 600 distinct tokens: 600^6 > 2^53, so order 6 takes the string path; order 2 the numeric one.
    const texts = Array.from({ length: 40 }, (_, t) =>
      Array.from({ length: 30 }, (_, i) => `w${(t * 13 + i * i) % 600}`).join(' '),
    );
    const words = texts.map(tokenizeWords);
    for (const order of [2, 6]) {
      const seen = new Set<string>();
      let total = 0;
      for (const tokens of words) {
        for (let i = 0; i + order <= tokens.length; i++) {
          seen.add(tokens.slice(i, i + order).join(' '));
          total++;
        }
      }
      expect(distinctN(texts, { orders: [order] })[0]).toEqual({
        order,
        unique: seen.size,
        total,
        ratio: seen.size / total,
      });
    }
  });
});
