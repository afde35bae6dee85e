import { dot, dotRows, unit } from './_vectors.js';
import type { SplitView } from './_walk-tree.js';
import type { LevelDecision } from './route-types.js';

// The scoring at one split node of the embedding router (see `createEmbeddingRouter` for the
// formulas): the frame samples are measured in, and the decision each sample gets.

/** λ in s_j = √(σ_j² + λ·mean σ²): keeps near-constant coordinates from being blown up. */
const SCALE_SHRINKAGE = 0.3;

/** Where a node measures from: its centre μ and, when standardising, 1/s_j per coordinate. */
export interface Frame {
  center: Float32Array;
  inverseScale?: Float32Array;
}

/** Mean and (optionally) shrunk inverse standard deviation per coordinate of the picked vectors. */
export function frameOf(
  groups: readonly {
    vectors: readonly Float32Array[];
    indices?: readonly number[];
    scales?: Float64Array;
    /** Weight of each vector of the group (default 1). */
    weight?: number;
    /** Per position (of `indices`, else of `vectors`): a further weight of that vector. */
    weights?: Float64Array;
  }[],
  dimensions: number,
  standardize: boolean,
): Frame {
  const sum = new Float64Array(dimensions);
  const squares = new Float64Array(dimensions);
  let count = 0;
  for (const { vectors, indices, scales, weight: groupWeight = 1, weights } of groups) {
    const size = indices ? indices.length : vectors.length;
    for (let position = 0; position < size; position++) {
      const index = indices ? indices[position]! : position;
      const vector = vectors[index]!;
      const scale = scales ? scales[index]! : 1;
      const weight = weights ? groupWeight * weights[position]! : groupWeight;
      for (let dim = 0; dim < dimensions; dim++) {
        const value = vector[dim]! * scale;
        sum[dim]! += weight * value;
        squares[dim]! += weight * value * value;
      }
      count += weight;
    }
  }
  const center = new Float32Array(dimensions);
  if (count === 0) return { center };
  for (let dim = 0; dim < dimensions; dim++) center[dim] = sum[dim]! / count;
  if (!standardize) return { center };
  const variances = new Float64Array(dimensions);
  let meanVariance = 0;
  for (let dim = 0; dim < dimensions; dim++) {
    variances[dim] = Math.max(squares[dim]! / count - (sum[dim]! / count) ** 2, 0);
    meanVariance += variances[dim]! / dimensions;
  }
  if (!(meanVariance > 0)) return { center };
  const inverseScale = new Float32Array(dimensions);
  for (let dim = 0; dim < dimensions; dim++)
    inverseScale[dim] = 1 / Math.sqrt(variances[dim]! + SCALE_SHRINKAGE * meanVariance);
  return { center, inverseScale };
}

/** (scale·vector − center) ⊙ inverseScale, into `out` (scale makes a sample unit length). */
export function relative(vector: Float32Array, scale: number, frame: Frame, out: Float32Array): Float32Array {
  const { center, inverseScale } = frame;
  if (inverseScale) {
    for (let dim = 0; dim < out.length; dim++)
      out[dim] = (vector[dim]! * scale - center[dim]!) * inverseScale[dim]!;
  } else {
    for (let dim = 0; dim < out.length; dim++) out[dim] = vector[dim]! * scale - center[dim]!;
  }
  return out;
}

/** Vectors as one row-major matrix; a missing row is zeros. */
export function pack(rows: readonly (Float32Array | undefined)[], dimensions: number): Float32Array {
  const matrix = new Float32Array(rows.length * dimensions);
  rows.forEach((row, index) => {
    if (row) matrix.set(row, index * dimensions);
  });
  return matrix;
}

export function scaled(vector: Float32Array, inverseScale: Float32Array | undefined): Float32Array {
  return inverseScale ? vector.map((value, dim) => value * inverseScale[dim]!) : vector;
}

export interface NodeModel {
  /** Per option: d_v − mean of siblings' d (d_v itself without centring). */
  descriptions: Float32Array[];
  /** Per option: mean of the pivot embeddings assigned to it, or undefined without pivots. */
  pivotCentroids: (Float32Array | undefined)[];
  pivotCounts: number[];
  /** Per option: the indices into `pivots` assigned to it. */
  pivotMembers: number[][];
  /** Every pivot embedding of the node (they are samples of its subspace: part of its centre). */
  pivots: Float32Array[];
}

/**
 * The frame in which every option counts equally: each option's group (the members decided for it
 * and its pivots) gets total weight 1, so the centre is the mean of the options' means and the
 * spread an equal mixture of theirs. Options with neither members nor pivots are left out.
 */
export function balancedFrame(
  view: SplitView,
  model: NodeModel,
  members: readonly number[],
  decisions: readonly LevelDecision[],
  samples: readonly Float32Array[],
  scales: Float64Array,
  standardize: boolean,
): Frame {
  const optionOf = new Map(view.options.map((option, index) => [option.value, index]));
  const chosen = view.options.map((): number[] => []);
  decisions.forEach((decision, row) => {
    const option = optionOf.get(decision.value);
    if (option !== undefined) chosen[option]!.push(members[row]!);
  });
  const groups = chosen.flatMap((indices, option) => {
    const pivots = model.pivotMembers[option]!;
    const size = indices.length + pivots.length;
    if (size === 0) return [];
    return [
      { vectors: samples, indices, scales, weight: 1 / size },
      { vectors: model.pivots, indices: pivots, weight: 1 / size },
    ];
  });
  return frameOf(groups, samples[0]?.length ?? 0, standardize);
}

/** Every member's score and similarity for every option of one node, row-major (member × option). */
export interface NodeScores {
  optionCount: number;
  /** s_v(x) (see `createEmbeddingRouter`), in the units of the description cosine. */
  scores: Float64Array;
  /** α·D_v + (1 − α)·cos(x', c'_v): what a decision records as its `similarity`. */
  similarities: Float64Array;
}

/**
 * Scores of every member against every option of one node (see `createEmbeddingRouter` for the
 * formulas), and the decision each member gets.
 */
export function decideAtNode(
  view: SplitView,
  model: NodeModel,
  members: readonly number[],
  samples: readonly Float32Array[],
  scales: Float64Array,
  frame: Frame,
  descriptionWeight: number,
): LevelDecision[] {
  return decisionsFrom(view, scoreAtNode(view, model, members, samples, scales, frame, descriptionWeight));
}

/** The scores of `decideAtNode`, before deciding. */
export function scoreAtNode(
  view: SplitView,
  model: NodeModel,
  members: readonly number[],
  samples: readonly Float32Array[],
  scales: Float64Array,
  frame: Frame,
  descriptionWeight: number,
): NodeScores {
  const optionCount = view.options.length;
  const memberCount = members.length;
  const dimensions = frame.center.length;
  const descriptions = model.descriptions.map((residual) => unit(scaled(residual, frame.inverseScale)));
  // Pivot evidence needs two values with pivots to compare; with fewer, descriptions decide alone.
  const withPivots = model.pivotCentroids.filter(Boolean).length >= 2;
  const residuals = model.pivotCentroids.map((centroid) =>
    withPivots && centroid ? relative(centroid, 1, frame, new Float32Array(dimensions)) : undefined,
  );
  const descriptionMatrix = pack(descriptions, dimensions);
  const residualMatrix = pack(residuals, dimensions);
  const descriptionDots = new Float64Array(optionCount);
  const residualDots = new Float64Array(optionCount);
  const residualNormSquared = residuals.map((residual) => (residual ? dot(residual, residual) : 0));
  const alphas = model.pivotCounts.map((count, index) =>
    residuals[index] ? descriptionWeight / (descriptionWeight + count) : 1,
  );

  const cosines = new Float64Array(memberCount * optionCount);
  const pivotCosines = new Float64Array(memberCount * optionCount);
  const pivotScores = new Float64Array(memberCount * optionCount);
  const buffer = new Float32Array(dimensions);
  let descriptionSpread = 0;
  let pivotSpread = 0;
  let pivotTerms = 0;
  members.forEach((member, row) => {
    const sample = relative(samples[member]!, scales[member]!, frame, buffer);
    const length = Math.sqrt(dot(sample, sample)) || 1;
    dotRows(sample, descriptionMatrix, optionCount, descriptionDots);
    if (withPivots) dotRows(sample, residualMatrix, optionCount, residualDots);
    let descriptionMean = 0;
    let pivotMean = 0;
    let pivotOptions = 0;
    for (let option = 0; option < optionCount; option++) {
      const at = row * optionCount + option;
      cosines[at] = descriptionDots[option]! / length;
      descriptionMean += cosines[at]! / optionCount;
      const residual = residuals[option];
      if (!residual) continue;
      const projection = residualDots[option]!;
      pivotCosines[at] = projection / (length * (Math.sqrt(residualNormSquared[option]!) || 1));
      pivotScores[at] = 2 * projection - residualNormSquared[option]!;
      pivotMean += pivotScores[at]!;
      pivotOptions++;
    }
    pivotMean /= pivotOptions || 1;
    for (let option = 0; option < optionCount; option++) {
      const at = row * optionCount + option;
      descriptionSpread += (cosines[at]! - descriptionMean) ** 2;
      if (!residuals[option]) continue;
      // Centred per sample: a value without pivots gets 0, the average evidence.
      pivotScores[at]! -= pivotMean;
      pivotSpread += pivotScores[at]! ** 2;
      pivotTerms++;
    }
  });
  const descriptionDeviation = Math.sqrt(descriptionSpread / Math.max(memberCount * optionCount, 1));
  const pivotDeviation = Math.sqrt(pivotSpread / Math.max(pivotTerms, 1));
  // E is brought to the spread of the description cosines, so the blend weighs like with like.
  const pivotScale =
    pivotDeviation > 0 ? (descriptionDeviation > 0 ? descriptionDeviation : 1) / pivotDeviation : 0;

  const scores = new Float64Array(memberCount * optionCount);
  const similarities = new Float64Array(memberCount * optionCount);
  for (let row = 0; row < memberCount; row++) {
    for (let option = 0; option < optionCount; option++) {
      const at = row * optionCount + option;
      const alpha = alphas[option]!;
      scores[at] = alpha * cosines[at]! + (1 - alpha) * pivotScale * pivotScores[at]!;
      similarities[at] = alpha * cosines[at]! + (1 - alpha) * pivotCosines[at]!;
    }
  }
  return { optionCount, scores, similarities };
}

/**
 * The decision of every member: the option with the highest score, its similarity, and the margin
 * to the runner-up (1 with one option).
 */
export function decisionsFrom(
  view: SplitView,
  { optionCount, scores, similarities }: NodeScores,
): LevelDecision[] {
  const rows = optionCount > 0 ? scores.length / optionCount : 0;
  return Array.from({ length: rows }, (_, row): LevelDecision => {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    let second = Number.NEGATIVE_INFINITY;
    for (let option = 0; option < optionCount; option++) {
      const score = scores[row * optionCount + option]!;
      if (score > bestScore) {
        second = bestScore;
        bestScore = score;
        best = option;
      } else if (score > second) second = score;
    }
    const option = view.options[best]!;
    return {
      nodeId: view.node.id,
      childId: option.childId,
      dimension: view.dimension,
      value: option.value,
      similarity: similarities[row * optionCount + best]!,
      margin: optionCount > 1 ? bestScore - second : 1,
      decidedBy: 'embedding',
    };
  });
}
