/**
 * Rewrites of a normalised answer into the form it is compared in: variable prefixes, lists of
 * assignments, inequalities as intervals, and `\pm` as two answers. Used by `answerShape`.
 */

const VARIABLE = String.raw`(?:[A-Za-z](?:_\{?\w+\}?)?|\\[a-z]+)`;
const FUNCTION = String.raw`[A-Za-z](?:\^\{-1\})?\([A-Za-z]\)`;
/** `x =`, `x_1 =`, `\theta =`, `f(x) =`, `f^{-1}(x) =`, `(x, y) =`, `x \in` at the start. */
const VARIABLE_PREFIX = new RegExp(
  String.raw`^(?:${VARIABLE}|${FUNCTION}|\(${VARIABLE}(?:,${VARIABLE})+\))\s*(?:=|\\in(?![A-Za-z]))\s*(?=\S)`,
);
const ASSIGNMENT = new RegExp(`^(${VARIABLE})=(.+)$`);

/** `x=5` → `5`, `(x,y)=(3,4)` → `(3,4)`, `x\in[1,4]` → `[1,4]`; anything else unchanged. */
export function stripVariablePrefix(text: string): string {
  return text.replace(VARIABLE_PREFIX, '');
}

/**
 * A list whose every item assigns a variable: `x=2,y=3` is the tuple `(2,3)` (variables in
 * alphabetical order), `x=3,x=-1` the list `3,-1`. Null for any other list.
 */
export function assignmentList(items: readonly string[]): { ordered: boolean; values: string[] } | null {
  const assignments = items.map((item) => ASSIGNMENT.exec(item));
  if (assignments.some((match) => match === null)) return null;
  const pairs = assignments.map((match) => ({ name: match?.[1] ?? '', value: match?.[2] ?? '' }));
  const names = new Set(pairs.map((pair) => pair.name));
  if (names.size === 1) return { ordered: false, values: pairs.map((pair) => pair.value) };
  if (names.size !== pairs.length) return null;
  pairs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ordered: true, values: pairs.map((pair) => pair.value) };
}

const LESS = String.raw`(<|\\leq?(?![A-Za-z])|\\leqslant)`;
const GREATER = String.raw`(>|\\geq?(?![A-Za-z])|\\geqslant)`;
const LETTER = '([A-Za-z])';
const BOUND = '([^<>]+?)';
const BETWEEN = new RegExp(`^${BOUND}${LESS}\\s*${LETTER}\\s*${LESS}${BOUND}$`);
const BETWEEN_DOWN = new RegExp(`^${BOUND}${GREATER}\\s*${LETTER}\\s*${GREATER}${BOUND}$`);
const ABOVE = new RegExp(`^${LETTER}\\s*${GREATER}${BOUND}$|^${BOUND}${LESS}\\s*${LETTER}$`);
const BELOW = new RegExp(`^${LETTER}\\s*${LESS}${BOUND}$|^${BOUND}${GREATER}\\s*${LETTER}$`);

export interface IntervalForm {
  readonly open: '(' | '[';
  readonly close: ')' | ']';
  readonly low: string;
  readonly high: string;
}

/**
 * An inequality in one variable as an interval: `x\geq2` → `[2,\infty)`, `-1<x\leq3` →
 * `(-1,3]`, `5>x` → `(-\infty,5)`. Null for anything else.
 */
export function inequalityInterval(text: string): IntervalForm | null {
  const strict = (operator: string | undefined) => operator === '<' || operator === '>';
  const between = BETWEEN.exec(text);
  if (between !== null) {
    const [, low = '', lowOperator, , highOperator, high = ''] = between;
    return { open: strict(lowOperator) ? '(' : '[', close: strict(highOperator) ? ')' : ']', low, high };
  }
  const down = BETWEEN_DOWN.exec(text);
  if (down !== null) {
    const [, high = '', highOperator, , lowOperator, low = ''] = down;
    return { open: strict(lowOperator) ? '(' : '[', close: strict(highOperator) ? ')' : ']', low, high };
  }
  const above = ABOVE.exec(text);
  if (above !== null) {
    const operator = above[2] ?? above[5];
    const low = above[3] ?? above[4] ?? '';
    return { open: strict(operator) ? '(' : '[', close: ')', low, high: '\\infty' };
  }
  const below = BELOW.exec(text);
  if (below !== null) {
    const operator = below[2] ?? below[5];
    const high = below[3] ?? below[4] ?? '';
    return { open: '(', close: strict(operator) ? ')' : ']', low: '-\\infty', high };
  }
  return null;
}

/** `1\pm\sqrt2` → [`1+\sqrt2`, `1-\sqrt2`]; null unless `\pm` occurs exactly once. */
export function plusMinusPair(text: string): [string, string] | null {
  const parts = text.split(/\\pm(?![A-Za-z])/);
  if (parts.length !== 2) return null;
  const [before = '', after = ''] = parts;
  const plus = `${before}+${after}`.replace(/^\+/, '');
  return [plus, `${before}-${after}`];
}
