/**
 * Reading the final answer of a MATH solution.
 *
 * 1. The content of the last `\boxed{...}` or `\fbox{...}` (nested braces kept whole); for the
 *    brace-less form `\boxed 5` the text up to the next `$`, newline or end.
 * 2. When there is no box: the text after the last "answer is" / "answer:" (so "The final answer
 *    is $\frac{1}{2}$. I hope it is correct." gives `\frac{1}{2}`), up to the end of its `$...$`
 *    math or of the sentence. Surrounding `$`, `\(...\)` and `\[...\]` are removed.
 * Returns null when neither is found or the answer is empty.
 */
export function extractMathAnswer(output: string): string | null {
  return extractBoxedAnswer(output) ?? extractStatedAnswer(output);
}

const BOX = /\\(?:boxed|fbox)(?![A-Za-z])/g;

/** The content of the last non-empty `\boxed`/`\fbox` in `text`, or null. */
export function extractBoxedAnswer(text: string): string | null {
  const starts = [...text.matchAll(BOX)].map((match) => match.index + match[0].length);
  for (let index = starts.length - 1; index >= 0; index--) {
    const content = boxContent(text, starts[index] ?? 0);
    if (content !== null && content.trim() !== '') return content.trim();
  }
  return null;
}

function boxContent(text: string, from: number): string | null {
  let position = from;
  while (text[position] === ' ') position++;
  if (text[position] !== '{') {
    if (position === from) return null; // `\boxedx` is another command
    const end = text.slice(position).search(/[$\n]|\\\]|\\\)/);
    return end < 0 ? text.slice(position) : text.slice(position, position + end);
  }
  let depth = 0;
  for (let index = position; index < text.length; index++) {
    const char = text[index];
    if (char === '\\') {
      index++; // `\{` and `\}` are literal braces, not groups
    } else if (char === '{') {
      depth++;
    } else if (char === '}') {
      depth--;
      if (depth === 0) return text.slice(position + 1, index);
    }
  }
  return null; // unbalanced: the output was cut off inside the box
}

const STATED = /answer(?:\s+is|\s*:)\s*:?\s*/gi;

/** The answer after the last "answer is" / "answer:" in `text`, or null. */
export function extractStatedAnswer(text: string): string | null {
  const matches = [...text.matchAll(STATED)];
  const last = matches[matches.length - 1];
  if (last === undefined) return null;
  const rest = text.slice(last.index + last[0].length);
  const answer = leadingMath(rest) ?? rest.split(/\.(?:\s|$)|\n/)[0] ?? '';
  return stripMathDelimiters(answer.trim()) || null;
}

/** `$...$`, `$$...$$`, `\(...\)` or `\[...\]` at the start of `text`, delimiters removed. */
function leadingMath(text: string): string | null {
  for (const [open, close] of [
    ['$$', '$$'],
    ['$', '$'],
    ['\\(', '\\)'],
    ['\\[', '\\]'],
  ] as const) {
    if (!text.startsWith(open)) continue;
    const end = text.indexOf(close, open.length);
    if (end > 0) return text.slice(open.length, end);
  }
  return null;
}

/** Removes math delimiters around a whole answer and a final period or comma. */
export function stripMathDelimiters(answer: string): string {
  let result = answer.trim();
  for (;;) {
    const before = result;
    result = result.replace(/^\$+|\$+$/g, '').trim();
    result = result.replace(/^\\[([]|\\[\])]$/g, '').trim();
    result = result.replace(/[.,;]$/, '').trim();
    if (result === before) return result;
  }
}
