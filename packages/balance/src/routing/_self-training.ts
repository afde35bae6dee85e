import { balancedFrame, decideAtNode, type Frame, type NodeModel } from './_node-scores.js';
import type { SplitView } from './_walk-tree.js';
import type { LevelDecision } from './route-types.js';

/**
 * Most rounds of self-training at a node. A cap on cost (each round is one pass over the node's
 * samples, like a balanced pass), fixed before any measurement, not tuned: rounds stop as soon as
 * no decision changes. On MATH-500 a node takes 6-10 rounds and up to 7 nodes in 10 reach the cap
 * with a few decisions still flipping (benchmarks/balance/routing.ts prints both).
 */
export const SELF_TRAINING_ROUNDS = 10;

export interface SelfTrainingResult {
  decisions: LevelDecision[];
  /** Rounds run (≤ SELF_TRAINING_ROUNDS). */
  rounds: number;
  /** Whether the last round changed no decision. */
  converged: boolean;
}

/**
 * Self-training (hard EM) over the node's own samples: the samples decided for a value join its
 * pivots as pseudo-labelled examples, and every sample is scored again with the same formula
 * (`decideAtNode`), in a frame re-centred with every value counting equally; repeat until no
 * decision changes. Nothing new to tune:
 * - the seed is the decision made from the descriptions and the pivots;
 * - a pseudo-labelled sample weighs as much as a pivot, and the description keeps its weight κ
 *   (`descriptionWeight`, in pivots), so α_v = κ / (κ + pivots + samples) shrinks as a value
 *   gathers samples: the data speaks more where there is more of it;
 * - priors are balanced (uniform): the score has no term for a value's size, so a value is not
 *   favoured for having gathered many samples, and the balanced frame keeps a large value from
 *   pulling the centre onto itself. The value's own spread does not enter either (one shared,
 *   isotropic spread in the standardised coordinates), which is what keeps a broad value's
 *   centroid from swallowing its neighbours' samples.
 * The E step is the same nearest-centroid rule as the pivot term; the M step the centroid of
 * pivots and samples. It converges (a finite set of assignments and a cost that cannot rise,
 * except through the re-centring), and the round cap bounds it either way.
 */
export function selfTrain(
  view: SplitView,
  model: NodeModel,
  members: readonly number[],
  samples: readonly Float32Array[],
  scales: Float64Array,
  initial: readonly LevelDecision[],
  options: { descriptionWeight: number; standardize: boolean },
): SelfTrainingResult {
  const dimensions = samples[0]?.length ?? 0;
  const optionOf = new Map(view.options.map((option, index) => [option.value, index]));
  let decisions = [...initial];
  for (let round = 1; round <= SELF_TRAINING_ROUNDS; round++) {
    const frame: Frame = balancedFrame(view, model, members, decisions, samples, scales, options.standardize);
    // Per value: the sum of its pivots and of the (unit) samples decided for it, and their count.
    const sums = view.options.map(() => new Float64Array(dimensions));
    const counts = model.pivotCounts.slice();
    model.pivotMembers.forEach((pivots, option) => {
      for (const pivot of pivots) add(sums[option]!, model.pivots[pivot]!, 1);
    });
    decisions.forEach((decision, row) => {
      const option = optionOf.get(decision.value);
      if (option === undefined) return;
      const member = members[row]!;
      add(sums[option]!, samples[member]!, scales[member]!);
      counts[option]!++;
    });
    const trained: NodeModel = {
      ...model,
      pivotCentroids: sums.map((sum, option) =>
        counts[option]! > 0 ? Float32Array.from(sum, (value) => value / counts[option]!) : undefined,
      ),
      pivotCounts: counts,
    };
    const next = decideAtNode(view, trained, members, samples, scales, frame, options.descriptionWeight);
    const changed = next.some((decision, row) => decision.value !== decisions[row]!.value);
    decisions = next;
    if (!changed) return { decisions, rounds: round, converged: true };
  }
  return { decisions, rounds: SELF_TRAINING_ROUNDS, converged: false };
}

function add(sum: Float64Array, vector: Float32Array, scale: number): void {
  for (let dim = 0; dim < sum.length; dim++) sum[dim]! += vector[dim]! * scale;
}
