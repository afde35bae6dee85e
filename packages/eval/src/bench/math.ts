import type { ChatMessage } from '@treesynth/core';
import type { BenchmarkDefinition, BenchProblem, BenchPrompt, PromptMode } from './benchmark.js';
import { loadBenchmarkSet } from './benchmark-sets.js';
import { extractMathAnswer } from './math-answer/extract-answer.js';
import { mathAnswersEquivalent } from './math-answer/math-equivalence.js';

/**
 * MATH-500 (the PRM800K subset of Hendrycks et al.'s MATH test split): 500 competition problems.
 *
 * Extraction: the last `\boxed{...}`/`\fbox{...}` of the output, else the text after a final
 * "answer is" (`extractMathAnswer`). Verdict: `mathAnswersEquivalent(extracted, answer)`
 * (normalisation, shapes, numeric tolerance, then the CAS; docs/scoring.md lists every rule).
 * Metric: `accuracy`. Problem id: the row's `unique_id`.
 * Prompts: chat zero-shot asks for the final answer in `\boxed{}`; completion uses up to four
 * worked examples written for this project (none from MATH-500), `Problem:\n...\n\nSolution:`.
 */
export interface MathProblem extends BenchProblem {
  /** The row's `unique_id`, e.g. `test/precalculus/807.json`. */
  readonly id: string;
  readonly problem: string;
  /** The gold final answer (LaTeX). */
  readonly answer: string;
  readonly subject: string;
  readonly level: number;
}

/** Four worked examples in the MATH style, written for this project. */
export const MATH_SHOTS: readonly { readonly problem: string; readonly solution: string }[] = [
  {
    problem: 'If $3a + 2 = 17$ and $b = 2a - 1$, what is the value of $a + b$?',
    solution:
      'From $3a + 2 = 17$ we get $3a = 15$, so $a = 5$. Then $b = 2 \\cdot 5 - 1 = 9$, and ' +
      '$a + b = 5 + 9 = 14$. The final answer is $\\boxed{14}$.',
  },
  {
    problem: 'What is the remainder when $7^{100}$ is divided by $5$?',
    solution:
      'Since $7 \\equiv 2 \\pmod 5$, we need $2^{100} \\bmod 5$. The powers of $2$ modulo $5$ are ' +
      '$2, 4, 3, 1$ and then repeat, so $2^4 \\equiv 1$. As $100 = 4 \\cdot 25$, ' +
      '$2^{100} = (2^4)^{25} \\equiv 1 \\pmod 5$. The final answer is $\\boxed{1}$.',
  },
  {
    problem:
      'What is the distance between the points $(1, -2)$ and $(4, 4)$? Express your answer in simplest radical form.',
    solution:
      'The horizontal change is $4 - 1 = 3$ and the vertical change is $4 - (-2) = 6$. By the ' +
      'distance formula the distance is $\\sqrt{3^2 + 6^2} = \\sqrt{45} = \\sqrt{9 \\cdot 5} = 3\\sqrt{5}$. ' +
      'The final answer is $\\boxed{3\\sqrt{5}}$.',
  },
  {
    problem:
      'Two fair six-sided dice are rolled. What is the probability that the numbers shown add up to $10$? ' +
      'Express your answer as a common fraction.',
    solution:
      'There are $6 \\cdot 6 = 36$ equally likely outcomes. A sum of $10$ comes from $(4, 6)$, $(5, 5)$ ' +
      'and $(6, 4)$, which is $3$ outcomes. The probability is $\\frac{3}{36} = \\frac{1}{12}$. ' +
      'The final answer is $\\boxed{\\frac{1}{12}}$.',
  },
];

const CHAT_INSTRUCTION =
  'Solve the following math problem. Reason step by step, and put your final answer in \\boxed{}.';

function mathPrompt(
  problem: MathProblem,
  options: { readonly mode: PromptMode; readonly shots: number },
): BenchPrompt {
  if (!Number.isInteger(options.shots) || options.shots < 0 || options.shots > MATH_SHOTS.length) {
    throw new Error(`shots: math has ${MATH_SHOTS.length} few-shot examples, got ${options.shots}`);
  }
  const examples = MATH_SHOTS.slice(0, options.shots);
  if (options.mode === 'chat') {
    const messages: ChatMessage[] = [];
    for (const shot of examples) {
      messages.push({ role: 'user', content: `${CHAT_INSTRUCTION}\n\n${shot.problem}` });
      messages.push({ role: 'assistant', content: shot.solution });
    }
    messages.push({ role: 'user', content: `${CHAT_INSTRUCTION}\n\n${problem.problem}` });
    return { mode: 'chat', messages };
  }
  const blocks = examples.map((shot) => `Problem:\n${shot.problem}\n\nSolution:\n${shot.solution}\n\n`);
  return {
    mode: 'completion',
    prompt: `${blocks.join('')}Problem:\n${problem.problem}\n\nSolution:`,
    stop: ['\n\nProblem:', '</s>', '<|im_end|>'],
  };
}

export const mathBenchmark: BenchmarkDefinition<MathProblem> = {
  name: 'math',
  metrics: ['accuracy'],
  defaultShots: { chat: 0, completion: 4 },
  async problems() {
    const rows = await loadBenchmarkSet('math500-test');
    return rows.map((row) => ({
      id: row.unique_id,
      problem: row.problem,
      answer: row.answer,
      subject: row.subject,
      level: row.level,
    }));
  },
  prompt: mathPrompt,
  async score(problem, output) {
    const extracted = extractMathAnswer(output);
    const correct = extracted !== null && mathAnswersEquivalent(extracted, problem.answer);
    return { extracted, verdicts: { accuracy: correct } };
  },
};
