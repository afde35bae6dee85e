import { stripMathDelimiters } from './extract-answer.js';

/**
 * Hendrycks-style string normalisation of a MATH answer, before any structural or numeric
 * comparison. Each rule has an example in docs/scoring.md; in order:
 * math delimiters and a final period; `−` → `-`, `∞`/`≤`/`≥` → `\infty`/`\leq`/`\geq`,
 * `\mathbb{R}` and `\text{all real numbers}` → `(-\infty,\infty)`, `\varnothing` and `\{\}` →
 * `\emptyset`, `\text{(B)}` → `(B)`; spacing commands (`\!`, `\,`, `\;`, `\quad`, `~`);
 * `\text{ and }`/`\text{ or }` → `,`; `\left`/`\right`/`\big`...; `\dfrac`/`\tfrac` → `\frac`;
 * `\displaystyle`, `\mathbf`, `\textbf` and similar wrappers; degrees (`^\circ`, `^{\circ}`, `°`,
 * `\degree`); `\%` and `%`; dollars (`\$`); a whole-answer `\text{...}` unwrapped; a trailing
 * unit (`\text{ cm}`, `\text{ cm}^2`, `\mbox{...}`, `\mathrm{...}`, or words after a number);
 * `{,}` → `,`; `\frac12` → `\frac{1}{2}`, `\sqrt2` → `\sqrt{2}`; `\le`/`\ge` → `\leq`/`\geq`;
 * spaces (one is kept after a command that a letter follows); thousands separators when the
 * whole answer is one number (`10,000` → `10000`).
 */
export function normalizeMathAnswer(answer: string): string {
  let text = stripMathDelimiters(answer.replace(/[\s~]+/g, ' '));
  text = text
    .replace(/[\u2212\u2013]/g, '-')
    .replace(/∞/g, '\\infty')
    .replace(/≤/g, '\\leq')
    .replace(/≥/g, '\\geq');
  text = text.replace(/\\mathbb\s*\{?R\}?|^\\text\{\s*all real numbers\s*\}$/g, '(-\\infty,\\infty)');
  text = text.replace(/\\varnothing|^\\\{\s*\\\}$/g, '\\emptyset');
  text = text.replace(/\\(?:text|textbf|mbox)\s*\{\s*\(([A-E])\)\s*\}/g, '($1)');
  text = text.replace(SPACING, (match) => (match === '\\\\' ? match : ' '));
  text = text.replace(/\s*\\(?:text|mbox)\s*\{\s*(?:and|or)\s*\}\s*/g, ',');
  text = text.replace(/\\(?:left|right|[bB]ig{1,2}[lr]?)(?![A-Za-z])\s*/g, '');
  text = text.replace(/\\[dt]frac(?![A-Za-z])/g, '\\frac');
  text = text.replace(/\\(?:displaystyle|textstyle)(?![A-Za-z])/g, '');
  text = unwrapCommand(text, /\\(?:mathbf|boldsymbol|bm|mathit|textbf|emph)\s*\{/);
  text = text.replace(/\^\s*\{?\s*\\circ\s*\}?|\\circ(?![A-Za-z])|°|\\degree(?![A-Za-z])/g, '');
  text = text
    .replace(/\\?%/g, '')
    .replace(/\\\$|\$/g, '')
    .replace(/\\(?:text|mbox|mathrm)\s*\{\s*\}/g, '');
  text = text.replace(/\s*\\(?:text|textrm|mbox|mathrm)\s*\{\s*(?:degrees?|units?)\s*\}/g, '');
  text = unwrapWholeText(text.trim());
  text = stripTrailingUnit(text.trim());
  text = text.replace(/\{,\}/g, ',');
  text = text.replace(/\\frac\s*(\d)\s*(\d)/g, '\\frac{$1}{$2}');
  text = text
    .replace(/\\frac\s*(\d)\s*\{/g, '\\frac{$1}{')
    .replace(/\\frac\s*(\{[^{}]*\})\s*(\d)/g, '\\frac$1{$2}');
  text = text.replace(/\\sqrt\s*(\d+|[a-zA-Z])/g, '\\sqrt{$1}');
  text = text.replace(/\\le(?![A-Za-z])/g, '\\leq').replace(/\\ge(?![A-Za-z])/g, '\\geq');
  text = stripMathDelimiters(removeSpaces(text));
  return /^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text) ? text.replaceAll(',', '') : text;
}

/** Spacing commands; `\\` (a matrix row break) is matched first so that it is kept. */
const SPACING = /\\\\|\\(?:[!,;:> ]|q?quad(?![A-Za-z])|thinspace(?![A-Za-z])|medspace(?![A-Za-z]))/g;

/** Removes whitespace, except one space after a command that a letter follows (`\cdot a`). */
function removeSpaces(text: string): string {
  return text.replace(/(\\[A-Za-z]+)?\s+/g, (match: string, command: string | undefined, offset: number) => {
    if (command === undefined) return '';
    return /[A-Za-z]/.test(text[offset + match.length] ?? '') ? `${command} ` : command;
  });
}

/** Replaces `\command{content}` by `content` for every match of `open` (which ends at the `{`). */
function unwrapCommand(text: string, open: RegExp): string {
  let result = text;
  for (let guard = 0; guard < 20; guard++) {
    const match = open.exec(result);
    if (match === null) return result;
    const start = match.index + match[0].length;
    const end = closingBrace(result, start - 1);
    if (end < 0) return result;
    result = result.slice(0, match.index) + result.slice(start, end) + result.slice(end + 1);
  }
  return result;
}

/** Index of the `}` that closes the `{` at `open`, or -1. */
export function closingBrace(text: string, open: number): number {
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') index++;
    else if (char === '{') depth++;
    else if (char === '}' && --depth === 0) return index;
  }
  return -1;
}

const TEXT_COMMAND = /\\(?:text|textrm|mbox|mathrm|textnormal|operatorname)\s*\{/g;

/** `3\text{ cm}` → `3`, `12 square units` → `12`; never empties the answer. */
function stripTrailingUnit(text: string): string {
  let result = text;
  const commands = [...result.matchAll(TEXT_COMMAND)];
  const last = commands[commands.length - 1];
  if (last !== undefined && last.index > 0) {
    const end = closingBrace(result, last.index + last[0].length - 1);
    const inner = result.slice(last.index + last[0].length, end);
    const before = result.slice(0, last.index).trim();
    const isUnit = /^[\sA-Za-z.^{}\d\\]*$/.test(inner) && /[A-Za-z]{2,}|^\s*[a-z]\s*$/.test(inner);
    const after = result.slice(end + 1).trim();
    const quantity = /[\d})]$|\\pi$/.test(before);
    if (end > 0 && /^(?:\^\{?[23]\}?)?$/.test(after) && isUnit && quantity) result = before;
  }
  const words = /^(.*?\d(?:\})?)\s+([A-Za-z]+(?:[\s-][A-Za-z]+)*\.?)(\^\{?\d\}?|\^\d)?$/.exec(result);
  if (words?.[1] !== undefined && !/\\[A-Za-z]+$/.test(words[1]) && !isLatexWord(words[2] ?? '')) {
    result = words[1];
  }
  return result;
}

function isLatexWord(word: string): boolean {
  return /^(?:i|e|x|y|z|n|k|m|a|b|c|d)$/.test(word);
}

/** `\text{Evelyn}` → `Evelyn`, `\text{(C)}` → `(C)` when the command is the whole answer. */
function unwrapWholeText(text: string): string {
  TEXT_COMMAND.lastIndex = 0;
  const match = TEXT_COMMAND.exec(text);
  TEXT_COMMAND.lastIndex = 0;
  if (match === null || match.index !== 0) return text;
  const end = closingBrace(text, match[0].length - 1);
  if (end !== text.length - 1) return text;
  return text.slice(match[0].length, end).trim();
}
