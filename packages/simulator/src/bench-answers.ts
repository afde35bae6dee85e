import { sha256 } from '@treesynth/core/internal';
import type { BenchEntry } from './bench-index.js';

/**
 * How the simulator answers one sample of a benchmark problem: the documented rule, which a test can
 * recompute. `h = sha256("treesynth-simulator-bench:<seed>:<problem id>:<sample index>")` as hex;
 * - correct when `parseInt(h[0..8], 16) / 2^32 < benchAccuracy`;
 * - style `parseInt(h[8..16], 16) % <number of styles>` (see `benchStyles`);
 * - for a wrong answer, kind `parseInt(h[16..24], 16) % 2` and `parseInt(h[24..32], 16)` picks the
 *   other problem or the sign of an off-by-one.
 * The sample index is the request's `seed` (0 when absent): `runBench` asks sample i with seed + i.
 */
export interface BenchDraw {
  correct: boolean;
  style: number;
  wrongKind: number;
  pick: number;
}

export function benchDraw(seed: number, problemId: string, sample: number, accuracy: number): BenchDraw {
  const hex = sha256(`treesynth-simulator-bench:${seed}:${problemId}:${sample}`);
  const word = (at: number) => Number.parseInt(hex.slice(at, at + 8), 16);
  return { correct: word(0) / 2 ** 32 < accuracy, style: word(8), wrongKind: word(16) % 2, pick: word(24) };
}

export type BenchEndpoint = 'chat' | 'completion';

/**
 * The output styles by benchmark and endpoint, in the order the draw indexes them. Only GSM8K's
 * `hash` styles carry `#### n`, so only they can pass the strict GSM8K metric.
 */
export const BENCH_STYLES = {
  gsm8k: { chat: ['hash', 'the-answer-is', 'boxed', 'number-only'], completion: ['hash', 'the-answer-is'] },
  math: { chat: ['boxed', 'final-answer-is', 'boxed-only'], completion: ['boxed'] },
  humaneval: { chat: ['fenced-with-preamble', 'fenced-with-explanation'], completion: ['body'] },
  mbpp: { chat: ['fenced', 'fenced-with-preamble'], completion: ['code'] },
} as const;

/** The simulated model's text for one sample, before stop sequences are applied. */
export function benchAnswer(
  entry: BenchEntry,
  draw: BenchDraw,
  endpoint: BenchEndpoint,
  prompt: string,
): string {
  const styles: readonly string[] = BENCH_STYLES[entry.benchmark][endpoint];
  const style = styles[draw.style % styles.length]!;
  // A base model goes on writing the next few-shot block, which the stop sequences cut off.
  switch (entry.benchmark) {
    case 'gsm8k':
      return endpoint === 'chat'
        ? gsm8kText(entry, draw, style)
        : ` ${gsm8kText(entry, draw, style)}\n\nQuestion: A farmer has`;
    case 'math':
      return endpoint === 'chat'
        ? mathText(entry, draw, style)
        : `\n${mathText(entry, draw, style)}\n\nProblem:\nCompute $1+1$.`;
    case 'humaneval': {
      const body = draw.correct ? entry.answer : otherEntry(entry, draw).answer;
      if (style === 'body') return `${body}\n\ndef check(candidate):\n    assert candidate is not None\n`;
      const code = `${entry.solution}${body}`;
      return style === 'fenced-with-preamble'
        ? `Here is the completed function:\n\n\`\`\`python\n${code}\`\`\`\n`
        : `\`\`\`python\n${code}\`\`\`\n\nThe function follows the docstring and handles the examples shown.`;
    }
    case 'mbpp': {
      const code = (draw.correct ? entry.answer : otherEntry(entry, draw).answer).replaceAll('\r\n', '\n');
      if (style === 'code')
        return /\[BEGIN\]\s*$/.test(prompt)
          ? `${code}\n[DONE]\n\nYou are an expert Python programmer, and here is your task:`
          : `${code}\n\`\`\`\n\n`;
      return style === 'fenced'
        ? `\`\`\`python\n${code}\n\`\`\``
        : `Here is a Python function that solves the task:\n\n\`\`\`python\n${code}\n\`\`\`\n\nIt passes the given tests.`;
    }
  }
}

/** Cut the text before the first stop sequence, as an endpoint does. */
export function applyStops(text: string, stops: readonly string[]): string {
  let end = text.length;
  for (const stop of stops) {
    const at = stop === '' ? -1 : text.indexOf(stop);
    if (at >= 0 && at < end) end = at;
  }
  return text.slice(0, end);
}

/** Another problem of the same set, chosen by the draw. */
function otherEntry(entry: BenchEntry, draw: BenchDraw): BenchEntry {
  const offset = 1 + (draw.pick % (entry.set.length - 1));
  return entry.set[(entry.index + offset) % entry.set.length]!;
}

const INTEGER = /^-?\d+$/;

/** A wrong final answer: off by one, or another problem's (integer) answer that differs. */
function wrongAnswer(entry: BenchEntry, draw: BenchDraw): string {
  const gold = entry.answer;
  const offByOne = () => String(Number(gold) + (draw.pick % 2 === 0 ? 1 : -1));
  if (draw.wrongKind === 0 && Number.isFinite(Number(gold)) && gold.trim() !== '') return offByOne();
  for (let step = 1; step < entry.set.length; step++) {
    const other = entry.set[(entry.index + step + (draw.pick % entry.set.length)) % entry.set.length]!;
    if (INTEGER.test(other.answer) && Number(other.answer) !== Number(gold)) return other.answer;
  }
  return offByOne();
}

function gsm8kText(entry: BenchEntry, draw: BenchDraw, style: string): string {
  const final = draw.correct ? entry.answer : wrongAnswer(entry, draw);
  const reasoning = entry.solution
    .slice(0, entry.solution.lastIndexOf('####'))
    .replace(/<<[^>]*>>/g, '')
    .trim();
  switch (style) {
    case 'hash':
      return `${reasoning}\n#### ${final}`;
    case 'the-answer-is':
      return `Let's solve this step by step.\n\n${reasoning}\nThe answer is ${final}.`;
    case 'boxed':
      return `${reasoning}\n\nTherefore, the final answer is $\\boxed{${final}}$.`;
    default:
      return final;
  }
}

function mathText(entry: BenchEntry, draw: BenchDraw, style: string): string {
  const final = draw.correct ? entry.answer : wrongAnswer(entry, draw);
  const reasoning = unbox(entry.solution).trim();
  switch (style) {
    case 'boxed':
      return `${reasoning}\nThe final answer is $\\boxed{${final}}$.`;
    case 'final-answer-is':
      return `Let me work through this.\n\n${reasoning}\n\nFinal Answer: The final answer is $${final}$. I hope it is correct.`;
    default:
      return `$\\boxed{${final}}$`;
  }
}

/** The solution with every `\boxed{x}` replaced by `x`, so only the answer line carries a box. */
function unbox(text: string): string {
  let result = '';
  let position = 0;
  for (;;) {
    const start = text.indexOf('\\boxed{', position);
    if (start < 0) return result + text.slice(position);
    let depth = 0;
    let end = start + 6;
    for (; end < text.length; end++) {
      if (text[end] === '{') depth++;
      else if (text[end] === '}' && --depth === 0) break;
    }
    result += text.slice(position, start) + text.slice(start + 7, end);
    position = end + 1;
  }
}
