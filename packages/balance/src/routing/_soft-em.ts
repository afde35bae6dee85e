import {
  decisionsFrom,
  type Frame,
  frameOf,
  type NodeModel,
  type NodeScores,
  scoreAtNode,
} from './_node-scores.js';
import type { SplitView } from './_walk-tree.js';
import type { LevelDecision } from './route-types.js';

/**
 * Most rounds of soft EM at a node (a cost cap, fixed before any run; rounds stop when the
 * posteriors settle). On MATH-500 with hashing most nodes reach it still moving (the benchmark
 * prints how many); with use-lite none do.
 */
export const SOFT_EM_ROUNDS = 30;

/** Rounds stop when no posterior moves more than this. */
const SOFT_EM_TOLERANCE = 1e-3;

export interface SoftEmResult {
  decisions: LevelDecision[];
  rounds: number;
  converged: boolean;
}

/**
 * Soft EM over the node's rows: a mixture with one component per value, seeded by the first scores
 * (descriptions and pivots).
 * - E step: every row's posterior over the values, softmax(s_v(x) / T), with T the spread of the
 *   scores s_v(x) − mean_v s_v(x) over the node in the first round (a lead of one spread multiplies
 *   the odds by e), fixed after; balanced priors (no term for a value's size, like the scores).
 * - M step: each value's centroid is the mean of its pivots (weight 1 each) and of every row weighted
 *   by its posterior; the value's weight against its description counts those soft members like
 *   pivots; the frame is re-centred with every value's (soft) group counting equally.
 * Rounds stop when the posteriors settle (or at SOFT_EM_ROUNDS); every row then takes its most
 * probable value. Deterministic: no random draws.
 */
export function softEm(
  view: SplitView,
  model: NodeModel,
  members: readonly number[],
  samples: readonly Float32Array[],
  scales: Float64Array,
  first: NodeScores,
  options: { descriptionWeight: number; standardize: boolean },
): SoftEmResult {
  const optionCount = view.options.length;
  const dimensions = samples[0]?.length ?? 0;
  const rowCount = members.length;
  const temperature = scoreSpread(first) || 1;
  let scores = first;
  let posteriors = posteriorsOf(first, temperature);
  for (let round = 1; round <= SOFT_EM_ROUNDS; round++) {
    // M step.
    const sums = view.options.map(() => new Float64Array(dimensions));
    const counts = model.pivotCounts.slice();
    model.pivotMembers.forEach((pivots, option) => {
      for (const pivot of pivots) addScaled(sums[option]!, model.pivots[pivot]!, 1);
    });
    const weights = view.options.map(() => new Float64Array(rowCount));
    members.forEach((member, row) => {
      for (let option = 0; option < optionCount; option++) {
        const weight = posteriors[row * optionCount + option]!;
        weights[option]![row] = weight;
        addScaled(sums[option]!, samples[member]!, weight * scales[member]!);
        counts[option]! += weight;
      }
    });
    const trained: NodeModel = {
      ...model,
      pivotCentroids: sums.map((sum, option) =>
        counts[option]! > 0 ? Float32Array.from(sum, (value) => value / counts[option]!) : undefined,
      ),
      pivotCounts: counts,
    };
    const frame: Frame = frameOf(
      view.options.flatMap((_, option) => {
        const size = counts[option]!;
        if (!(size > 0)) return [];
        return [
          { vectors: samples, indices: members, scales, weights: weights[option]!, weight: 1 / size },
          { vectors: model.pivots, indices: model.pivotMembers[option]!, weight: 1 / size },
        ];
      }),
      dimensions,
      options.standardize,
    );
    // E step.
    scores = scoreAtNode(view, trained, members, samples, scales, frame, options.descriptionWeight);
    const next = posteriorsOf(scores, temperature);
    let change = 0;
    for (let at = 0; at < next.length; at++) change = Math.max(change, Math.abs(next[at]! - posteriors[at]!));
    posteriors = next;
    if (change <= SOFT_EM_TOLERANCE)
      return { decisions: decisionsFrom(view, scores), rounds: round, converged: true };
  }
  return { decisions: decisionsFrom(view, scores), rounds: SOFT_EM_ROUNDS, converged: false };
}

/** The root mean square of s_v(x) − mean_v s_v(x) over every row and value. */
export function scoreSpread({ optionCount, scores }: NodeScores): number {
  const rows = optionCount > 0 ? scores.length / optionCount : 0;
  let total = 0;
  for (let row = 0; row < rows; row++) {
    let average = 0;
    for (let option = 0; option < optionCount; option++) average += scores[row * optionCount + option]!;
    average /= optionCount;
    for (let option = 0; option < optionCount; option++)
      total += (scores[row * optionCount + option]! - average) ** 2;
  }
  return Math.sqrt(total / Math.max(scores.length, 1));
}

/** softmax(scores / temperature) per row. */
export function posteriorsOf({ optionCount, scores }: NodeScores, temperature: number): Float64Array {
  const out = new Float64Array(scores.length);
  for (let start = 0; start < scores.length; start += optionCount) {
    let top = Number.NEGATIVE_INFINITY;
    for (let option = 0; option < optionCount; option++) top = Math.max(top, scores[start + option]!);
    let total = 0;
    for (let option = 0; option < optionCount; option++) {
      out[start + option] = Math.exp((scores[start + option]! - top) / temperature);
      total += out[start + option]!;
    }
    for (let option = 0; option < optionCount; option++) out[start + option]! /= total;
  }
  return out;
}

function addScaled(sum: Float64Array, vector: Float32Array, scale: number): void {
  for (let dim = 0; dim < sum.length; dim++) sum[dim]! += vector[dim]! * scale;
}
