import { z } from 'zod';
import { type AnswerShape, answerShape } from './answer-structure.js';
import { casEquivalent } from './cas-equivalence.js';
import { normalizeMathAnswer } from './normalize-answer.js';
import { ABSOLUTE_TOLERANCE, numbersClose, numericValue, RELATIVE_TOLERANCE } from './numeric-value.js';

export const mathEquivalenceOptionsSchema = z.object({
  /** Relative tolerance of numeric comparisons (default 1e-6). */
  relativeTolerance: z.number().min(0).max(1).default(RELATIVE_TOLERANCE),
  /** Absolute tolerance, for values near zero (default 1e-9). */
  absoluteTolerance: z.number().min(0).default(ABSOLUTE_TOLERANCE),
  /** Use the CAS for what the string and numeric rules cannot decide (default true). */
  symbolic: z.boolean().default(true),
  /** Wall-clock cap of one CAS comparison, in milliseconds (default 200). */
  timeLimitMs: z.number().int().positive().default(200),
  /** Longest normalised answer sent to the CAS, in characters (default 300). */
  maxLength: z.number().int().positive().default(300),
});
export type MathEquivalenceOptions = z.input<typeof mathEquivalenceOptionsSchema>;
type ResolvedOptions = z.output<typeof mathEquivalenceOptionsSchema>;

const DEFAULTS: ResolvedOptions = mathEquivalenceOptionsSchema.parse({});

/**
 * Whether two MATH answers (a model's and the gold one, or two sampled answers) are the same.
 * Symmetric: `mathAnswersEquivalent(a, b) === mathAnswersEquivalent(b, a)`.
 *
 * 1. Both are normalised (`normalizeMathAnswer`: Hendrycks-style string rules) and equal strings
 *    are equivalent.
 * 2. Both are split into shapes (`answerShape`): choice letters compare by letter; tuples and
 *    intervals element by element with the same brackets; sets, bare comma lists and unions
 *    order-insensitively; matrices element by element with the same dimensions.
 * 3. Two expressions: words compare case-insensitively; plain numbers (decimals, fractions,
 *    mixed numbers, scientific notation) numerically, |a − b| ≤ max(1e-9, 1e-6·max(|a|,|b|));
 *    otherwise the CAS decides (`casEquivalent`) under a time and length cap.
 */
export function mathAnswersEquivalent(a: string, b: string, options?: MathEquivalenceOptions): boolean {
  const resolved = options === undefined ? DEFAULTS : parseOptions(options);
  const left = normalizeMathAnswer(a);
  const right = normalizeMathAnswer(b);
  if (left === '' || right === '') return false;
  if (left === right) return true;
  return shapesEquivalent(answerShape(left), answerShape(right), resolved);
}

function parseOptions(options: MathEquivalenceOptions): ResolvedOptions {
  const parsed = mathEquivalenceOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${issue?.path.join('.') || 'options'}: ${issue?.message}`);
  }
  return parsed.data;
}

function shapesEquivalent(a: AnswerShape, b: AnswerShape, options: ResolvedOptions): boolean {
  switch (a.kind) {
    case 'choice':
      return b.kind === 'choice' && a.letter === b.letter;
    case 'expression':
      return b.kind === 'expression' && expressionsEquivalent(a.text, b.text, options);
    case 'sequence':
      return (
        b.kind === 'sequence' &&
        a.open === b.open &&
        a.close === b.close &&
        pairwise(a.items, b.items, options)
      );
    case 'matrix':
      return (
        b.kind === 'matrix' &&
        a.rows.length === b.rows.length &&
        a.rows.every((row, index) => pairwise(row, b.rows[index] ?? [], options))
      );
    case 'collection':
      return b.kind === 'collection' && unordered(a.items, b.items, options);
  }
}

function pairwise(a: readonly AnswerShape[], b: readonly AnswerShape[], options: ResolvedOptions): boolean {
  return (
    a.length === b.length &&
    a.every((item, index) => shapesEquivalent(item, b[index] as AnswerShape, options))
  );
}

/** Every item of each side has an equivalent item on the other side (set semantics). */
function unordered(a: readonly AnswerShape[], b: readonly AnswerShape[], options: ResolvedOptions): boolean {
  const covers = (from: readonly AnswerShape[], to: readonly AnswerShape[]) =>
    from.every((item) => to.some((other) => shapesEquivalent(item, other, options)));
  return covers(a, b) && covers(b, a);
}

const INTEGER = /^-?\d+$/;
const WORD = /^[A-Za-z][A-Za-z' -]*$/;

function expressionsEquivalent(a: string, b: string, options: ResolvedOptions): boolean {
  if (a === b) return true;
  if (isWord(a) || isWord(b)) return a.toLowerCase() === b.toLowerCase();
  if (INTEGER.test(a) && INTEGER.test(b)) return BigInt(a) === BigInt(b);
  const x = numericValue(a);
  const y = numericValue(b);
  if (x !== null && y !== null)
    return numbersClose(x, y, options.relativeTolerance, options.absoluteTolerance);
  if (!options.symbolic) return false;
  return casEquivalent(a, b, options);
}

/** A word answer (`Evelyn`, `odd`), not a product of single-letter variables such as `ab`. */
function isWord(text: string): boolean {
  return WORD.test(text) && /[A-Za-z]{3,}/.test(text) && !/^(?:sin|cos|tan|log|ln|exp)/.test(text);
}
