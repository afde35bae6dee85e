import type { ChatMessage } from '@treesynth/core';
import type { BenchmarkDefinition, BenchProblem, BenchPrompt, PromptMode } from './benchmark.js';
import { loadBenchmarkSet } from './benchmark-sets.js';

/**
 * GSM8K (Cobbe et al. 2021): 1,319 grade-school word problems whose answer is one number.
 *
 * Gold: the number after `####` in the row's `answer`, normalised as below.
 * Two extractions from a model output, as lm-evaluation-harness does:
 * - strict: the number after the first `#### ` (the GSM8K answer format the prompts ask for);
 * - flexible: the last number anywhere in the output.
 * Normalisation of a number (gold and extracted alike): drop a leading `$`, thousands commas and
 * whatever follows the number (units, words, a trailing period); then write it canonically: no `+`,
 * no leading zeros, no trailing fractional zeros, so `$1,000.00`, `1000.` and `1000` are all `1000`
 * and `.50` is `0.5`. A verdict is exact equality of the two canonical strings.
 * Metrics: `flexible` first (the headline), then `strict`; docs/scoring.md says why.
 */
export interface Gsm8kProblem extends BenchProblem {
  /** `gsm8k/<0-based row index in test.jsonl>`. */
  readonly id: string;
  readonly question: string;
  /** The released solution text, ending with `#### <n>`. */
  readonly solution: string;
  /** The canonical gold number. */
  readonly gold: string;
}

export interface Gsm8kAnswers {
  readonly strict: string | null;
  readonly flexible: string | null;
}

/** A number as written in text: optional sign and `$`, digits with optional thousands commas. */
const NUMBER = String.raw`-?\$?\s?(?:\d[\d,]*(?:\.\d+)?|\.\d+)`;
const STRICT = new RegExp(String.raw`####\s*(${NUMBER})`);
const ANY_NUMBER = new RegExp(NUMBER, 'g');

/**
 * Canonical form of a number written in text (`$1,000.00` → `1000`, `-.5` → `-0.5`, `007` → `7`);
 * null when `text` holds no number.
 */
export function normalizeGsm8kNumber(text: string): string | null {
  const match = /(-?)\$?\s?(\d[\d,]*)?(?:\.(\d+))?/.exec(text.trim());
  if (match === null || (match[2] === undefined && match[3] === undefined)) return null;
  const integer = (match[2] ?? '').replaceAll(',', '').replace(/^0+(?=\d)/, '') || '0';
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  const magnitude = fraction === '' ? integer : `${integer}.${fraction}`;
  return match[1] === '-' && magnitude !== '0' ? `-${magnitude}` : magnitude;
}

/** The strict (`#### n`, first occurrence) and flexible (last number) answers of a model output. */
export function extractGsm8kAnswers(output: string): Gsm8kAnswers {
  const strict = STRICT.exec(output);
  let last: string | undefined;
  for (const match of output.matchAll(ANY_NUMBER)) last = match[0];
  return {
    strict: strict?.[1] === undefined ? null : normalizeGsm8kNumber(strict[1]),
    flexible: last === undefined ? null : normalizeGsm8kNumber(last),
  };
}

/** The gold number of a GSM8K solution (the text after its last `####`). */
export function gsm8kGoldAnswer(solution: string): string {
  const marker = solution.lastIndexOf('####');
  const gold = marker < 0 ? null : normalizeGsm8kNumber(solution.slice(marker + 4));
  if (gold === null) throw new Error(`gsm8k: answer has no number after "####": ${solution.slice(-60)}`);
  return gold;
}

const CHAT_INSTRUCTION =
  'Solve the following math word problem. Reason step by step, then write the final answer on ' +
  'its own last line in the form "#### <number>", with the number only (no units).';

/** Solutions without the `<<48/2=24>>` calculator annotations of the release. */
function readableSolution(solution: string): string {
  return solution.replace(/<<[^>]*>>/g, '');
}

async function loadShots(): Promise<readonly { question: string; answer: string }[]> {
  const rows = await loadBenchmarkSet('gsm8k-train-shots');
  return rows.map((row) => ({ question: row.question, answer: readableSolution(row.answer) }));
}

/** Rows in gsm8k/train-shots.jsonl. */
const SHOT_COUNT = 8;
let shotsCache: readonly { question: string; answer: string }[] | undefined;

function gsm8kPrompt(
  problem: Gsm8kProblem,
  options: { readonly mode: PromptMode; readonly shots: number },
): BenchPrompt {
  if (!Number.isInteger(options.shots) || options.shots < 0 || options.shots > SHOT_COUNT) {
    throw new Error(`shots: gsm8k has ${SHOT_COUNT} few-shot examples, got ${options.shots}`);
  }
  const shots = options.shots === 0 ? [] : shotsCache;
  if (shots === undefined) throw new Error('gsm8k: call problems() before prompt() to load the shots');
  const examples = shots.slice(0, options.shots);
  if (options.mode === 'chat') {
    const messages: ChatMessage[] = [];
    for (const shot of examples) {
      messages.push({ role: 'user', content: `${CHAT_INSTRUCTION}\n\nQuestion: ${shot.question}` });
      messages.push({ role: 'assistant', content: shot.answer });
    }
    messages.push({ role: 'user', content: `${CHAT_INSTRUCTION}\n\nQuestion: ${problem.question}` });
    return { mode: 'chat', messages };
  }
  const blocks = examples.map((shot) => `Question: ${shot.question}\nAnswer: ${shot.answer}\n\n`);
  return {
    mode: 'completion',
    prompt: `${blocks.join('')}Question: ${problem.question}\nAnswer:`,
    stop: ['\n\nQuestion:', '\nQuestion:', '</s>', '<|im_end|>'],
  };
}

export const gsm8kBenchmark: BenchmarkDefinition<Gsm8kProblem> = {
  name: 'gsm8k',
  metrics: ['flexible', 'strict'],
  defaultShots: { chat: 0, completion: 8 },
  async problems() {
    shotsCache ??= await loadShots();
    const rows = await loadBenchmarkSet('gsm8k-test');
    return rows.map((row, index) => ({
      id: `gsm8k/${index}`,
      question: row.question,
      solution: row.answer,
      gold: gsm8kGoldAnswer(row.answer),
    }));
  },
  prompt: gsm8kPrompt,
  async score(problem, output) {
    const answers = extractGsm8kAnswers(output);
    return {
      extracted: answers.flexible,
      verdicts: { flexible: answers.flexible === problem.gold, strict: answers.strict === problem.gold },
    };
  },
};
