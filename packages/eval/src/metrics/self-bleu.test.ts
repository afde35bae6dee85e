import { describe, expect, it } from 'vitest';
import { selfBleu } from './self-bleu.js';

describe('selfBleu', () => {
  it('matches a hand-computed NLTK method1 sentence BLEU', () => {
    // Each text against the other: unigram 5/6, bigram 3/5, trigram 1/4, 4-gram 0/3 → 0.1/3; equal
    // lengths, so no brevity penalty. Symmetric, so both hypotheses score the same.
    const expected = Math.exp((Math.log(5 / 6) + Math.log(3 / 5) + Math.log(1 / 4) + Math.log(0.1 / 3)) / 4);
    const result = selfBleu(['the cat sat on the mat', 'the cat is on the mat']);
    expect(result.score).toBeCloseTo(expected, 12);
    expect(result).toMatchObject({ hypotheses: 2, references: 2 });
  });

  it('applies the brevity penalty against the closest reference length', () => {
    // "the cat" vs "the cat sat on the mat" (6) and "a dog" (2, no match): closest length is 2, so no
    // penalty; its precisions 2/2, 1/1 and 0.1/1, 0.1/1 for the empty 3- and 4-grams.
    const texts = ['the cat', 'the cat sat on the mat', 'a dog'];
    const result = selfBleu(texts, { hypotheses: 3 });
    const first = Math.exp((Math.log(1) + Math.log(1) + Math.log(0.1) + Math.log(0.1)) / 4);
    // "the cat sat on the mat" vs "the cat" and "a dog": 2/6, 1/5, 0.1/4, 0.1/3, closest length 2 < 6.
    const second = Math.exp((Math.log(2 / 6) + Math.log(1 / 5) + Math.log(0.1 / 4) + Math.log(0.1 / 3)) / 4);
    // "a dog" matches nothing: 0.
    expect(result.score).toBeCloseTo((first + second + 0) / 3, 12);
  });

  it('is 1 for a corpus of one repeated text and 0 when no words are shared', () => {
    expect(selfBleu(Array(20).fill('all samples say the same thing here')).score).toBeCloseTo(1, 12);
    expect(selfBleu(['alpha beta gamma delta', 'one two three four', 'red green blue cyan']).score).toBe(0);
    expect(selfBleu(['alone']).score).toBeNaN();
  });

  it('samples hypotheses and references reproducibly, and leaves each hypothesis out of its references', () => {
    const texts = Array.from({ length: 3000 }, (_, i) => `sample ${i % 50} says ${i % 7} things about ${i}`);
    const first = selfBleu(texts, { seed: 3 });
    expect(first).toMatchObject({ hypotheses: 500, references: 1000 });
    expect(selfBleu(texts, { seed: 3 }).score).toBe(first.score);
    expect(selfBleu(texts, { seed: 4 }).score).not.toBe(first.score);
    // Every text its own words: any leak of a hypothesis into its own references would score above 0.
    const word = (i: number, letter: string) =>
      `${letter}${i.toString(26).replace(/\d/g, (d) => 'qrstuvwxyz'[Number(d)]!)}`;
    const distinct = Array.from(
      { length: 1500 },
      (_, i) => `${word(i, 'a')} ${word(i, 'b')} ${word(i, 'c')}`,
    );
    expect(selfBleu(distinct).score).toBe(0);
  });
});
