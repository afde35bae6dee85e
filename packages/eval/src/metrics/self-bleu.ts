import { seededSample } from '@treesynth/core/internal';
import { tokenizeWords } from './tokenize-words.js';

export interface SelfBleuOptions {
  /** Texts scored as hypotheses, a seeded sample; default 500. */
  hypotheses?: number;
  /** The reference pool, a seeded sample; default 1000. A hypothesis in the pool is left out of its own references. */
  references?: number;
  /** Highest n-gram order, with uniform weights 1/maxOrder; default 4 (BLEU-4). */
  maxOrder?: number;
  /** Default 0. */
  seed?: number | string;
  /** Default `tokenizeWords`. */
  tokenize?: (text: string) => string[];
}

export interface SelfBleuResult {
  /** Mean sentence BLEU over the hypotheses, in [0, 1]; NaN for fewer than two texts. */
  score: number;
  hypotheses: number;
  references: number;
  /**
   * When the hypotheses are a sample of the texts: the standard error of `score`, the sample
   * standard deviation of the sentence scores / √hypotheses (`score ± 1.96 · standardError` is a 95%
   * interval for the mean over every text against the same pool).
   */
  standardError?: number;
}

/**
 * Self-BLEU (Zhu et al., 2018, Texygen): each text scored by BLEU against the others as references,
 * averaged; lower is more diverse.
 *
 * Sampled so its cost does not grow with the corpus: a seeded sample of `hypotheses` texts (500) is
 * scored against a seeded reference pool of `references` texts (1000), minus the hypothesis itself
 * when it is in the pool; below 1000 texts every hypothesis sees all other texts, as in Texygen.
 * Sentence BLEU follows NLTK's `sentence_bleu` with `SmoothingFunction().method1`, which Texygen uses:
 * clipped n-gram precisions p_1..p_4 (each n-gram's count clipped by its largest count in any single
 * reference), a zero precision replaced by 0.1 / (hypothesis n-grams, at least 1), a score of 0 when
 * no unigram matches, and the brevity penalty exp(1 − r/c) for a hypothesis of c tokens shorter than
 * the closest reference length r (ties to the shorter). Tokens come from `tokenizeWords`.
 *
 * Cost: O((H + R) · t · maxOrder) map operations for H hypotheses and R references of t tokens, plus
 * H · R for the reference lengths: well under a second at the defaults.
 */
export function selfBleu(texts: readonly string[], options: SelfBleuOptions = {}): SelfBleuResult {
  const maxOrder = options.maxOrder ?? 4;
  const seed = options.seed ?? 0;
  const tokenize = options.tokenize ?? tokenizeWords;
  const pool = seededSample(texts.length, options.references ?? 1000, `${seed}:references`);
  const hypotheses = seededSample(texts.length, options.hypotheses ?? 500, `${seed}:hypotheses`);
  if (texts.length < 2) return { score: Number.NaN, hypotheses: 0, references: 0 };

  // For every n-gram of the pool: its largest count in one reference, which reference that was,
  // and the largest count in any other reference (used when that reference is the hypothesis).
  const best = new Map<string, { count: number; reference: number; second: number }>();
  const poolPosition = new Map<number, number>();
  const poolLengths: number[] = [];
  pool.forEach((textIndex, position) => {
    poolPosition.set(textIndex, position);
    const tokens = tokenize(texts[textIndex]!);
    poolLengths.push(tokens.length);
    for (const [key, count] of countNgrams(tokens, maxOrder)) {
      const entry = best.get(key);
      if (!entry) best.set(key, { count, reference: position, second: 0 });
      else if (count > entry.count) {
        entry.second = entry.count;
        entry.count = count;
        entry.reference = position;
      } else if (count > entry.second) entry.second = count;
    }
  });

  let total = 0;
  let squares = 0;
  for (const textIndex of hypotheses) {
    const self = poolPosition.get(textIndex) ?? -1;
    const tokens = tokenize(texts[textIndex]!);
    const matches = new Float64Array(maxOrder + 1);
    const counts = new Float64Array(maxOrder + 1);
    for (const [key, count] of countNgrams(tokens, maxOrder)) {
      const order = Number(key.slice(0, key.indexOf('|')));
      counts[order] = counts[order]! + count;
      const entry = best.get(key);
      if (!entry) continue;
      const limit = entry.reference === self ? entry.second : entry.count;
      matches[order] = matches[order]! + Math.min(count, limit);
    }
    const score = sentenceBleu(
      tokens.length,
      matches,
      counts,
      closestLength(poolLengths, self, tokens.length),
    );
    total += score;
    squares += score * score;
  }
  const count = hypotheses.length;
  const score = total / count;
  const sampled = count < texts.length && count > 1;
  return {
    score,
    hypotheses: count,
    references: pool.length,
    ...(sampled
      ? { standardError: Math.sqrt(Math.max(0, squares - count * score * score) / (count - 1) / count) }
      : {}),
  };
}

/** N-gram counts of orders 1..maxOrder, keyed `order|token␁token…`. */
function countNgrams(tokens: readonly string[], maxOrder: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let order = 1; order <= maxOrder; order++) {
    for (let start = 0; start + order <= tokens.length; start++) {
      const key = `${order}|${tokens.slice(start, start + order).join('\u0001')}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  return counts;
}

/** The reference length closest to the hypothesis length, ties to the shorter (NLTK). */
function closestLength(lengths: readonly number[], skip: number, hypothesisLength: number): number {
  let closest = Number.POSITIVE_INFINITY;
  lengths.forEach((length, position) => {
    if (position === skip) return;
    const distance = Math.abs(length - hypothesisLength);
    const closestDistance = Math.abs(closest - hypothesisLength);
    if (distance < closestDistance || (distance === closestDistance && length < closest)) closest = length;
  });
  return closest;
}

/** NLTK sentence_bleu with smoothing method1 (epsilon 0.1) and uniform weights. */
function sentenceBleu(
  hypothesisLength: number,
  matches: Float64Array,
  counts: Float64Array,
  referenceLength: number,
): number {
  const maxOrder = matches.length - 1;
  if (matches[1] === 0) return 0;
  let logSum = 0;
  for (let order = 1; order <= maxOrder; order++) {
    const denominator = Math.max(1, counts[order]!);
    const numerator = matches[order]! === 0 ? 0.1 : matches[order]!;
    logSum += Math.log(numerator / denominator) / maxOrder;
  }
  const brevity =
    hypothesisLength > referenceLength
      ? 1
      : hypothesisLength === 0
        ? 0
        : Math.exp(1 - referenceLength / hypothesisLength);
  return brevity * Math.exp(logSum);
}
