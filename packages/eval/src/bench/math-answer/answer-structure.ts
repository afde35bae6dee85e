import { assignmentList, inequalityInterval, plusMinusPair, stripVariablePrefix } from './answer-forms.js';

/**
 * The shape of a normalised MATH answer: a multiple-choice letter, a matrix, an unordered
 * collection (set, comma list, union), an ordered tuple or interval (its brackets kept), or one
 * expression. A leading `x =` is dropped here; a list of assignments `x=2,y=3` is the tuple
 * `(2,3)`; an inequality `x\geq2` is the interval `[2,\infty)`; `a\pm b` is the collection of both. Compared shape by shape in `mathAnswersEquivalent`.
 */
export type AnswerShape =
  | { readonly kind: 'choice'; readonly letter: string }
  | { readonly kind: 'matrix'; readonly rows: readonly (readonly AnswerShape[])[] }
  /** `\{a, b\}`, a bare `a, b` list and a union `A \cup B` are all unordered collections. */
  | { readonly kind: 'collection'; readonly items: readonly AnswerShape[] }
  /** Tuples `(a, b)`, intervals `[a, b)`, vectors `\langle a, b \rangle`: ordered, brackets kept. */
  | {
      readonly kind: 'sequence';
      readonly open: string;
      readonly close: string;
      readonly items: readonly AnswerShape[];
    }
  | { readonly kind: 'expression'; readonly text: string };

const OPENERS = new Set(['(', '[', '{']);
const CLOSERS = new Set([')', ']', '}']);

/**
 * Splits `text` at each top-level occurrence of `separator` (outside any bracket, brace or
 * `\langle ... \rangle`); brackets of different kinds count alike, so `[a,b)` is one group.
 */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    if (depth === 0 && text.startsWith(separator, index)) {
      parts.push(text.slice(start, index));
      start = index + separator.length;
      index = start - 1;
      continue;
    }
    const step = bracketStep(text, index);
    depth += step.depth;
    index += step.skip;
  }
  parts.push(text.slice(start));
  return parts;
}

/** How the token at `index` changes the bracket depth, and how many extra characters it spans. */
function bracketStep(text: string, index: number): { depth: number; skip: number } {
  const char = text[index] ?? '';
  if (char === '\\') {
    if (text.startsWith('\\langle', index)) return { depth: 1, skip: 6 };
    if (text.startsWith('\\rangle', index)) return { depth: -1, skip: 6 };
    const next = text[index + 1] ?? '';
    return { depth: next === '{' ? 1 : next === '}' ? -1 : 0, skip: 1 };
  }
  return { depth: OPENERS.has(char) ? 1 : CLOSERS.has(char) ? -1 : 0, skip: 0 };
}

/** True when the bracket that opens `text` at index 0 closes at its last character. */
function isOneGroup(text: string, openLength: number, closeLength: number): boolean {
  const inner = text.slice(openLength, text.length - closeLength);
  let depth = 0;
  for (let index = 0; index < inner.length; index++) {
    const step = bracketStep(inner, index);
    depth += step.depth;
    index += step.skip;
    if (depth < 0) return false;
  }
  return depth === 0;
}

const MATRIX = /^\\begin\{([pbvBV]?matrix|array)\}(?:\{[^{}]*\})?(.*)\\end\{\1\}$/s;
const CHOICE = /^\(([A-E])\)|^([A-E])$/;

/** The shape of an answer already passed through `normalizeMathAnswer`. */
export function answerShape(text: string): AnswerShape {
  const choice = CHOICE.exec(text);
  if (choice !== null) return { kind: 'choice', letter: choice[1] ?? choice[2] ?? '' };
  const matrix = MATRIX.exec(text);
  if (matrix !== null) {
    const rows = splitTopLevel((matrix[2] ?? '').replace(/\\\\$/, ''), '\\\\');
    return { kind: 'matrix', rows: rows.map((row) => splitTopLevel(row, '&').map(answerShape)) };
  }
  const list = splitTopLevel(text, ',');
  const assignments = list.length > 1 ? assignmentList(list) : null;
  if (assignments !== null) {
    const items = assignments.values.map(answerShape);
    return assignments.ordered ? { kind: 'sequence', open: '(', close: ')', items } : collection(items);
  }
  return unprefixedShape(stripVariablePrefix(text));
}

function unprefixedShape(text: string): AnswerShape {
  const pieces = splitTopLevel(text, '\\cup');
  if (pieces.length > 1) return collection(pieces.map(answerShape));
  if (text.startsWith('\\{') && text.endsWith('\\}') && isOneGroup(text, 2, 2)) {
    const inner = text.slice(2, -2);
    return collection(inner === '' ? [] : splitTopLevel(inner, ',').map(answerShape));
  }
  if (text.startsWith('\\langle') && text.endsWith('\\rangle') && isOneGroup(text, 7, 7)) {
    const items = splitTopLevel(text.slice(7, -7), ',').map(answerShape);
    return { kind: 'sequence', open: '<', close: '>', items };
  }
  const open = text[0] ?? '';
  const close = text[text.length - 1] ?? '';
  if ((open === '(' || open === '[') && (close === ')' || close === ']') && isOneGroup(text, 1, 1)) {
    const items = splitTopLevel(text.slice(1, -1), ',');
    if (items.length > 1) return { kind: 'sequence', open, close, items: items.map(answerShape) };
    if (open === '(' && close === ')') return answerShape(text.slice(1, -1));
  }
  const items = splitTopLevel(text, ',');
  if (items.length > 1) return collection(items.map(answerShape));
  const interval = inequalityInterval(text);
  if (interval !== null) {
    const items = [interval.low, interval.high].map(answerShape);
    return { kind: 'sequence', open: interval.open, close: interval.close, items };
  }
  const pair = plusMinusPair(text);
  if (pair !== null) return collection(pair.map(answerShape));
  return { kind: 'expression', text: text.replace(/^\+/, '') };
}

/** An unordered collection; one item (`\{5\}`, the only solution) is that item. */
function collection(items: readonly AnswerShape[]): AnswerShape {
  return items.length === 1 && items[0] !== undefined ? items[0] : { kind: 'collection', items };
}
