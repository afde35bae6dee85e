import { wordTokens } from '@treesynth/core/internal';
import { decisionsFrom, type NodeScores } from './_node-scores.js';
import { SELF_TRAINING_ROUNDS } from './_self-training.js';
import type { SplitView } from './_walk-tree.js';
import type { LevelDecision } from './route-types.js';

/** The texts a node's word model is seeded with: per option its description, and the pivots. */
export interface NodeTexts {
  /** Per option, the embedded description text (`describePath`, or `dimension: value`). */
  descriptions: readonly string[];
  pivots: readonly string[];
  /** Per option: the indices into `pivots` assigned to it. */
  pivotMembers: readonly (readonly number[])[];
}

export interface NaiveBayesEmResult {
  decisions: LevelDecision[];
  /** EM rounds run (≤ SELF_TRAINING_ROUNDS). */
  rounds: number;
  /** Whether the last round changed no decision. */
  converged: boolean;
}

/** Length of the character grams taken from every word (with `<` and `>` marking its ends). */
const GRAM = 4;

/**
 * A text's features: every word of `wordTokens` and every character 4-gram of `<word>`, each
 * weighted by its damped count 1 + ln(count) (the weighting of the hashing embedder). The grams
 * let "triangle" and "triangles", "factor" and "factorization" share evidence.
 */
function featuresOf(text: string, vocabulary: Map<string, number>): Map<number, number> {
  const counts = new Map<number, number>();
  const count = (feature: string) => {
    let id = vocabulary.get(feature);
    if (id === undefined) {
      id = vocabulary.size;
      vocabulary.set(feature, id);
    }
    counts.set(id, (counts.get(id) ?? 0) + 1);
  };
  for (const word of wordTokens(text)) {
    count(`w:${word}`);
    const marked = `<${word}>`;
    for (let start = 0; start + GRAM <= marked.length; start++)
      count(`c:${marked.slice(start, start + GRAM)}`);
  }
  for (const [id, times] of counts) counts.set(id, 1 + Math.log(times));
  return counts;
}

/**
 * Multinomial naive Bayes over the words of the node's rows, trained by EM over those rows (Nigam,
 * McCallum, Thrun and Mitchell 2000, "Text classification from labeled and unlabeled documents using
 * EM"). Unlike the other learning modes it does not work in the embedding space at all: the model is
 * a word distribution per value, which on MATH-500 separates the subjects better than any centroid in
 * an embedding space (benchmarks/balance/routing.ts).
 * - Seed: each value's word distribution from its description text, counted `descriptionWeight`
 *   times (κ, the description's weight in pivots, as in the embedding scores), and its pivots;
 *   Laplace smoothing (add one) over the node's vocabulary.
 * - E step: every row's posterior over the values, with balanced (uniform) priors.
 * - M step: each value's word counts are its seed counts plus every row's features weighted by its
 *   posterior, the rows' weights rescaled so that every value's rows weigh the same in total
 *   (rows / values): balanced priors in the M step too, so a value that gathered many rows does
 *   not swallow its neighbours' words. Pivots keep their labels.
 * Rounds stop when no decision changes (or at SELF_TRAINING_ROUNDS). Every row then takes its most
 * probable value; the decision records the embedding similarity of that value (from `embedded`) and,
 * as its margin, the log posterior odds of the best value against the runner-up (in nats; 1 with one
 * option). Deterministic: no random draws.
 */
export function naiveBayesEm(
  view: SplitView,
  seeds: NodeTexts,
  rows: readonly string[],
  embedded: NodeScores,
  descriptionWeight: number,
): NaiveBayesEmResult {
  const optionCount = view.options.length;
  const vocabulary = new Map<string, number>();
  const descriptions = seeds.descriptions.map((text) => featuresOf(text, vocabulary));
  const pivots = seeds.pivots.map((text) => featuresOf(text, vocabulary));
  const features = rows.map((text) => featuresOf(text, vocabulary));
  const size = vocabulary.size;

  const seeded = new Float64Array(optionCount * size);
  const addTo = (counts: Float64Array, option: number, row: Map<number, number>, weight: number) => {
    for (const [id, value] of row) counts[option * size + id]! += weight * value;
  };
  descriptions.forEach((description, option) => {
    addTo(seeded, option, description, descriptionWeight);
  });
  seeds.pivotMembers.forEach((members, option) => {
    for (const pivot of members) if (pivots[pivot]) addTo(seeded, option, pivots[pivot], 1);
  });

  const logTheta = new Float64Array(optionCount * size);
  const estimate = (posteriors: Float64Array | undefined) => {
    const counts = seeded.slice();
    if (posteriors) {
      const mass = new Float64Array(optionCount);
      for (let at = 0; at < posteriors.length; at++) mass[at % optionCount]! += posteriors[at]!;
      features.forEach((row, index) => {
        for (let option = 0; option < optionCount; option++) {
          if (!(mass[option]! > 0)) continue;
          const weight =
            (posteriors[index * optionCount + option]! * rows.length) / optionCount / mass[option]!;
          if (weight > 0) addTo(counts, option, row, weight);
        }
      });
    }
    for (let option = 0; option < optionCount; option++) {
      let total = 0;
      for (let id = 0; id < size; id++) total += counts[option * size + id]! + 1;
      for (let id = 0; id < size; id++)
        logTheta[option * size + id] = Math.log((counts[option * size + id]! + 1) / total);
    }
  };
  const logLikelihoods = new Float64Array(rows.length * optionCount);
  const posteriors = new Float64Array(rows.length * optionCount);
  const best = new Int32Array(rows.length);
  const expect = () => {
    features.forEach((row, index) => {
      let top = 0;
      for (let option = 0; option < optionCount; option++) {
        let sum = 0;
        for (const [id, value] of row) sum += value * logTheta[option * size + id]!;
        logLikelihoods[index * optionCount + option] = sum;
        if (sum > logLikelihoods[index * optionCount + top]!) top = option;
      }
      let total = 0;
      for (let option = 0; option < optionCount; option++) {
        const at = index * optionCount + option;
        posteriors[at] = Math.exp(logLikelihoods[at]! - logLikelihoods[index * optionCount + top]!);
        total += posteriors[at]!;
      }
      for (let option = 0; option < optionCount; option++) posteriors[index * optionCount + option]! /= total;
      best[index] = top;
    });
  };

  estimate(undefined);
  expect();
  let rounds = 0;
  let converged = false;
  while (rounds < SELF_TRAINING_ROUNDS && !converged) {
    rounds++;
    const before = best.slice();
    estimate(posteriors);
    expect();
    converged = best.every((option, index) => option === before[index]);
  }

  // The decision of every row, as the embedding router records it: its scores are the log likelihoods.
  const decisions = decisionsFrom(view, {
    optionCount,
    scores: logLikelihoods,
    similarities: embedded.similarities,
  });
  return { decisions, rounds, converged };
}
