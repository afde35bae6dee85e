import { describe, expect, it } from 'vitest';
import { eliminationReason } from './elimination.js';

const parent = 'Ana buys 3 boxes of 12 pencils and gives away 5. How many pencils does she have left?';

describe('Evol-Instruct elimination rules', () => {
  it('keeps an evolution that adds content', () => {
    expect(
      eliminationReason(
        parent,
        `${parent} She then sells half of the rest at 2 dollars each; how much money does she make?`,
      ),
    ).toBeUndefined();
  });

  it('drops an evolution with no information gain: the same words, reordered or cut', () => {
    expect(eliminationReason(parent, parent)).toBe('no-gain');
    expect(
      eliminationReason(
        parent,
        'How many pencils does Ana have left? She buys 3 boxes of 12 pencils, gives away 5.',
      ),
    ).toBe('no-gain');
    expect(eliminationReason(parent, 'Ana buys 3 boxes of 12 pencils.')).toBe('no-gain');
  });

  it("drops an answer that copies the prompt's scaffolding", () => {
    expect(eliminationReason(parent, `#Rewritten Prompt#: ${parent} Also count the erasers.`)).toBe(
      'copied-prompt',
    );
    expect(eliminationReason(parent, `# Instruction\n${parent} And the erasers?`)).toBe('copied-prompt');
    expect(eliminationReason(parent, 'Here is the rewritten instruction: count the erasers too.')).toBe(
      'copied-prompt',
    );
  });

  it('drops an answer that is too short, or only punctuation and stop words', () => {
    expect(eliminationReason(parent, '?!')).toBe('too-short');
    expect(eliminationReason(parent, 'What is it, and how would it be?')).toBe('too-short');
    expect(eliminationReason(parent, 'Count erasers.')).toBe('too-short');
  });

  it('drops a short refusal that says sorry, not a long instruction that mentions it', () => {
    expect(eliminationReason(parent, "Sorry, I can't rewrite this instruction.")).toBe('refusal');
    const long = `${parent} ${'Ben apologises and says sorry for being late to the market, then counts apples and oranges twice. '.repeat(6)}`;
    expect(eliminationReason(parent, long)).toBeUndefined();
  });
});
