import { describe, expect, it } from 'vitest';
import { extractBoxedAnswer, extractMathAnswer, extractStatedAnswer } from './extract-answer.js';
import { normalizeMathAnswer } from './normalize-answer.js';

describe('extractBoxedAnswer', () => {
  it.each([
    ['The answer is $\\boxed{5}$.', '5'],
    ['so $x = \\boxed{\\frac{1}{2}}$', '\\frac{1}{2}'],
    ['nested: \\boxed{\\frac{\\sqrt{3}}{2}}', '\\frac{\\sqrt{3}}{2}'],
    ['deep: \\boxed{\\left( 3, \\frac{\\pi}{2} \\right)}', '\\left( 3, \\frac{\\pi}{2} \\right)'],
    ['first \\boxed{1}, then corrected: \\boxed{2}', '2'],
    ['brace-less: $\\boxed 7$ done', '7'],
    ['brace-less to the end of line: \\boxed 12\nnext line', '12'],
    ['fbox: \\fbox{42}', '42'],
    ['space before brace: \\boxed {9}', '9'],
    ['escaped braces: \\boxed{\\{1, 2\\}}', '\\{1, 2\\}'],
    ['text inside: \\boxed{\\text{(C)}}', '\\text{(C)}'],
    ['display: \\[\\boxed{x^2 + 1}\\]', 'x^2 + 1'],
    [
      'matrix: \\boxed{\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}}',
      '\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}',
    ],
    ['an empty last box falls back: \\boxed{3} and \\boxed{}', '3'],
    ['padding: \\boxed{  8  }', '8'],
  ])('%j → %j', (text, expected) => {
    expect(extractBoxedAnswer(text)).toBe(expected);
  });

  it.each([
    ['no box at all'],
    ['cut off inside the box: \\boxed{\\frac{1}{'],
    ['\\boxedwrong{3} is another command'],
    ['\\boxed{}'],
  ])('%j → null', (text) => {
    expect(extractBoxedAnswer(text)).toBeNull();
  });
});

describe('extractStatedAnswer and extractMathAnswer', () => {
  it.each([
    ['Final Answer: The final answer is $\\frac{3}{4}$. I hope it is correct.', '\\frac{3}{4}'],
    ['So the answer is 12.', '12'],
    ['The answer is: $x = 4$', 'x = 4'],
    ['Answer: 17', '17'],
    ['The answer is \\(2\\sqrt{3}\\), as required.', '2\\sqrt{3}'],
    ['The answer is 1.5 hours.\nDone.', '1.5 hours'],
    ['The first answer is 3. On reflection, the answer is 4.', '4'],
  ])('%j → %j', (text, expected) => {
    expect(extractStatedAnswer(text)).toBe(expected);
    expect(extractMathAnswer(text)).toBe(expected);
  });

  it('prefers a box over a stated answer, and gives null when neither is there', () => {
    expect(extractMathAnswer('The answer is 3, so $\\boxed{4}$.')).toBe('4');
    expect(extractMathAnswer('I could not solve it.')).toBeNull();
    expect(extractMathAnswer('The answer is $$.')).toBeNull();
  });
});

describe('normalizeMathAnswer', () => {
  it.each([
    ['$\\dfrac{3}{4}$.', '\\frac{3}{4}'],
    ['\\frac12', '\\frac{1}{2}'],
    ['\\sqrt2+\\sqrt 3', '\\sqrt{2}+\\sqrt{3}'],
    ['\\left( 1, 2 \\right)', '(1,2)'],
    ['10,\\!000', '10000'],
    ['1,000,000', '1000000'],
    ['1,2', '1,2'],
    ['45^{\\circ}', '45'],
    ['\\$5.00', '5.00'],
    ['12\\%', '12'],
    ['5\\text{ cm}^2', '5'],
    ['\\text{Evelyn}', 'Evelyn'],
    ['\\textbf{(B)}', '(B)'],
    ['\u22123', '-3'],
    ['a \\cdot b', 'a\\cdot b'],
    ['\\mathbb{R}', '(-\\infty,\\infty)'],
    ['2 \\text{ and } 3', '2,3'],
  ])('%j → %j', (text, expected) => {
    expect(normalizeMathAnswer(text)).toBe(expected);
  });
});
