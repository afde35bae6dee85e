import { extractBoxedAnswer, extractGsm8kAnswers, mathAnswersEquivalent } from '@treesynth/eval';
import type { AnswerCheck } from './task-answers.js';

/** The final answer of answer fields: GSM8K's `#### n` (else its last number), MATH's box (else `answer`). */
export function finalAnswer(check: AnswerCheck, fields: Readonly<Record<string, unknown>>): string | null {
  if (check === 'gsm8k') {
    const text = typeof fields.answer === 'string' ? fields.answer : '';
    const { strict, flexible } = extractGsm8kAnswers(text);
    return strict ?? flexible;
  }
  if (check === 'math') {
    const solution = typeof fields.solution === 'string' ? fields.solution : '';
    const boxed = extractBoxedAnswer(solution);
    if (boxed !== null) return boxed;
    return typeof fields.answer === 'string' && fields.answer.trim() !== '' ? fields.answer.trim() : null;
  }
  return null;
}

/** Whether two final answers are the same: numerically for GSM8K, by the MATH equivalence for MATH. */
export function sameAnswer(check: AnswerCheck, a: string, b: string): boolean {
  if (check === 'gsm8k') return Number(a) === Number(b);
  return mathAnswersEquivalent(a, b);
}

export interface Vote {
  /** The majority's answer (its first vote's text), null when no vote had an answer. */
  answer: string | null;
  /** Votes for the majority answer over all votes (votes without an answer count against it). */
  agreement: number;
  /** The vote numbers (index in `answers`) that gave the majority answer. */
  members: number[];
}

/**
 * Majority vote over final answers: answers equivalent to a class's first answer join it; the
 * largest class wins, a tie going to the class whose first vote came first.
 */
export function majorityVote(check: AnswerCheck, answers: readonly (string | null)[]): Vote {
  const classes: { answer: string; members: number[] }[] = [];
  answers.forEach((answer, index) => {
    if (answer === null) return;
    const found = classes.find((item) => sameAnswer(check, item.answer, answer));
    if (found) found.members.push(index);
    else classes.push({ answer, members: [index] });
  });
  let best: (typeof classes)[number] | undefined;
  for (const item of classes) if (!best || item.members.length > best.members.length) best = item;
  if (!best || answers.length === 0) return { answer: null, agreement: 0, members: [] };
  return { answer: best.answer, agreement: best.members.length / answers.length, members: best.members };
}
