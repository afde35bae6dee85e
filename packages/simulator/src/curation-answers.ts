import type { StageRequest } from '@treesynth/core';
import { hash32 } from '@treesynth/core/internal';
import { recognizeTask } from './world-for-task.js';

/**
 * Answers to curation's answer and judge requests (docs/simulator.md, "Answers and judgements").
 * Nothing here knows what is true about a question: the "true" answer is a hash of the question's
 * text, and each answer is right or wrong by a second hash, with chance `answerAccuracy`. The rule
 * is documented so a test can recompute which rows a curation step must keep; it is a placeholder,
 * never a claim about any model.
 *
 *   q        the value of the sample's first field (the question, problem or instruction)
 *   k        the request's `seed` (0 when it sends none): curation's vote number
 *   truth    2 + hash32(`${seed}|truth|${q}`) % 998
 *   right    hash32(`${seed}|answer|${q}|${k}`) / 2^32 < answerAccuracy
 *   wrong    truth + 1 + hash32(`${seed}|wrong|${q}|${k}`) % WRONG_VALUES
 */
export const WRONG_VALUES = 3;
/** The default of `answerAccuracy`: a placeholder, not a claim about any model. */
export const DEFAULT_ANSWER_ACCURACY = 0.7;

type AnswerRequest = Extract<StageRequest, { stage: 'answer' }>;
type JudgeRequest = Extract<StageRequest, { stage: 'judge' }>;

export interface CurationAnswerOptions {
  seed?: number;
  answerAccuracy?: number;
}

/** The value the simulator treats as the answer to `question`, and the value answer number `k` gives. */
export function simulatedAnswerValue(
  seed: number,
  question: string,
  k: number,
  accuracy: number,
): { truth: number; value: number; right: boolean } {
  const truth = 2 + (hash32(`${seed}|truth|${question}`) % 998);
  const right = hash32(`${seed}|answer|${question}|${k}`) / 2 ** 32 < accuracy;
  const value = right ? truth : truth + 1 + (hash32(`${seed}|wrong|${question}|${k}`) % WRONG_VALUES);
  return { truth, value, right };
}

/** The three ways a MATH answer of a value is written, all equivalent (to exercise the equivalence). */
function mathForm(value: number, pick: number): string {
  const forms = [String(value), `\\frac{${2 * value}}{2}`, `${value}.0`];
  return forms[pick % forms.length]!;
}

/** A Python solution computing `x * factor` (or off by one when wrong) and its assert-based tests. */
function codeAnswer(truth: number, right: boolean): { output: string; tests: string } {
  const factor = (truth % 7) + 2;
  const body = right ? `x * ${factor}` : `x * ${factor} + 1`;
  return {
    output: `def solve(x):\n    return ${body}\n`,
    tests: [`assert solve(1) == ${factor}`, `assert solve(3) == ${3 * factor}`].join('\n'),
  };
}

function firstValue(sample: Readonly<Record<string, string>>): string {
  return Object.values(sample)[0] ?? '';
}

/** The answer object: the requested fields, in the format the task's fields ask for. */
export function answerCuration(
  request: AnswerRequest,
  requestSeed: number,
  options: CurationAnswerOptions,
): Record<string, string> {
  const seed = options.seed ?? 0;
  const question = firstValue(request.sample);
  const names = request.answerFields.map((field) => field.name);
  const { truth, value, right } = simulatedAnswerValue(
    seed,
    question,
    requestSeed,
    options.answerAccuracy ?? DEFAULT_ANSWER_ACCURACY,
  );
  const steps = `We read the problem carefully.\nWorking through it step by step gives ${value}.`;
  const known: Record<string, string> = {};
  if (names.includes('tests')) Object.assign(known, codeAnswer(truth, right));
  else if (names.includes('solution')) {
    const form = mathForm(value, hash32(`${seed}|form|${question}|${requestSeed}`));
    Object.assign(known, { solution: `${steps}\nSo the answer is $\\boxed{${form}}$.`, answer: form });
  } else if (recognizeTask(request.task) === 'gsm8k') known.answer = `${steps}\n#### ${value}`;
  return Object.fromEntries(
    names.map((name) => [
      name,
      known[name] ?? `[simulated ${name}] a response to: ${question.slice(0, 80)} (#${value})`,
    ]),
  );
}

/**
 * Judge scores: when the sample's answer can be checked against the simulator's truth (a GSM8K
 * `#### n`, a MATH `answer`, a code `output`), a right one scores 4 or 5 and a wrong one 1 to 3 on
 * every criterion; otherwise each score is 1 + h % 5. h = hash32(`${seed}|judge|${q}|${criterion}`).
 */
export function judgeCuration(
  request: JudgeRequest,
  options: CurationAnswerOptions,
): { scores: Record<string, number> } {
  const seed = options.seed ?? 0;
  const question = firstValue(request.sample);
  const truth = 2 + (hash32(`${seed}|truth|${question}`) % 998);
  const verdict = checkAnswer(request.sample, truth);
  const scores: Record<string, number> = {};
  for (const criterion of request.criteria) {
    const h = hash32(`${seed}|judge|${question}|${criterion.name}`);
    scores[criterion.name] = verdict === undefined ? 1 + (h % 5) : verdict ? 4 + (h % 2) : 1 + (h % 3);
  }
  return { scores };
}

/** Whether the sample's answer equals the truth; undefined when it has no answer the simulator can read. */
function checkAnswer(sample: Readonly<Record<string, string>>, truth: number): boolean | undefined {
  if (typeof sample.output === 'string') return sample.output === codeAnswer(truth, true).output;
  const answer = sample.answer;
  if (typeof answer !== 'string') return undefined;
  const marked = /####\s*(-?\d+)/.exec(answer);
  if (marked) return Number(marked[1]) === truth;
  const fraction = /^\\frac\{(-?\d+)\}\{(\d+)\}$/.exec(answer.trim());
  const number = fraction ? Number(fraction[1]) / Number(fraction[2]) : Number(answer.trim());
  return Number.isFinite(number) ? number === truth : undefined;
}
