import { decisionsFrom, type Frame, type NodeModel, type NodeScores, relative } from './_node-scores.js';
import { dot, dotRows } from './_vectors.js';
import type { SplitView } from './_walk-tree.js';
import type { LevelDecision } from './route-types.js';

/** Neighbours each row links to in the graph (a common choice for kNN graphs, not tuned). */
export const SPREADING_NEIGHBOURS = 10;

/**
 * α of label spreading: how much a row's label comes from its neighbours against its own seed.
 * 0.99, the value of Zhou et al. (2004). (0.5 was tried first: with one-hot seeds a row's own seed
 * then always outweighs its neighbours, and it changed no decision on MATH-500.)
 */
export const SPREADING_ALPHA = 0.99;

/** Iterations stop when no entry moves more than this, or at SPREADING_ROUNDS (a cost cap). */
const SPREADING_TOLERANCE = 1e-6;
export const SPREADING_ROUNDS = 2000;

export interface SpreadingResult {
  decisions: LevelDecision[];
  rounds: number;
  converged: boolean;
}

/**
 * Label spreading (Zhou et al. 2004) over a k-nearest-neighbour graph of the node's rows and pivots,
 * measured in the node's frame (centred and standardised, then cosine). Seeds Y: a pivot carries its
 * value, a row the first decision (from descriptions and pivots). F ← α·S·F + (1 − α)·Y with
 * S = D^-1/2 W D^-1/2, W the symmetrised kNN cosine weights, iterated to a fixed point. Then each
 * value's column is rescaled to the mass it had in Y (class mass normalisation with the priors the
 * first decisions estimated: spreading may move rows, not the node's overall shares), and every row
 * takes its largest entry. The decision records the first decision's similarity to the new value and
 * a margin in the units of F (best minus runner-up, 0 to 1).
 *
 * Cost: one pass of n² dot products for the graph (n rows and pivots at the node), then
 * n · k · values per round.
 */
export function spreadLabels(
  view: SplitView,
  model: NodeModel,
  members: readonly number[],
  samples: readonly Float32Array[],
  scales: Float64Array,
  frame: Frame,
  initial: readonly LevelDecision[],
  first: NodeScores,
): SpreadingResult {
  const optionCount = view.options.length;
  const dimensions = frame.center.length;
  const pivotRows = model.pivotMembers.flatMap((pivots, option) =>
    pivots.map((pivot) => ({ vector: model.pivots[pivot]!, option })),
  );
  const rowCount = members.length + pivotRows.length;
  // Every row and pivot in the frame, at unit length, one matrix.
  const matrix = new Float32Array(rowCount * dimensions);
  const buffer = new Float32Array(dimensions);
  const put = (row: number, vector: Float32Array, scale: number) => {
    relative(vector, scale, frame, buffer);
    const length = Math.sqrt(dot(buffer, buffer)) || 1;
    for (let dim = 0; dim < dimensions; dim++) matrix[row * dimensions + dim] = buffer[dim]! / length;
  };
  members.forEach((member, row) => {
    put(row, samples[member]!, scales[member]!);
  });
  pivotRows.forEach(({ vector }, index) => {
    put(members.length + index, vector, 1);
  });

  // The k nearest neighbours of each row (positive cosines only), symmetrised by the larger weight.
  const neighbours = Math.min(SPREADING_NEIGHBOURS, rowCount - 1);
  const edges = Array.from({ length: rowCount }, () => new Map<number, number>());
  const similarities = new Float64Array(rowCount);
  for (let row = 0; row < rowCount; row++) {
    dotRows(matrix.subarray(row * dimensions, (row + 1) * dimensions), matrix, rowCount, similarities);
    similarities[row] = Number.NEGATIVE_INFINITY;
    for (const other of topIndices(similarities, neighbours)) {
      const weight = similarities[other]!;
      if (!(weight > 0)) continue;
      if ((edges[row]!.get(other) ?? 0) < weight) edges[row]!.set(other, weight);
      if ((edges[other]!.get(row) ?? 0) < weight) edges[other]!.set(row, weight);
    }
  }
  const degree = edges.map((links) => [...links.values()].reduce((total, weight) => total + weight, 0));

  // Seeds.
  const optionOf = new Map(view.options.map((option, index) => [option.value, index]));
  const seeds = new Float64Array(rowCount * optionCount);
  initial.forEach((decision, row) => {
    const option = optionOf.get(decision.value);
    if (option !== undefined) seeds[row * optionCount + option] = 1;
  });
  pivotRows.forEach(({ option }, index) => {
    seeds[(members.length + index) * optionCount + option] = 1;
  });

  let labels = Float64Array.from(seeds);
  let next = new Float64Array(labels.length);
  let rounds = 0;
  let converged = false;
  while (rounds < SPREADING_ROUNDS && !converged) {
    rounds++;
    let change = 0;
    for (let row = 0; row < rowCount; row++) {
      const rowDegree = degree[row]!;
      for (let option = 0; option < optionCount; option++) {
        let spread = 0;
        if (rowDegree > 0) {
          for (const [other, weight] of edges[row]!) {
            const otherDegree = degree[other]!;
            spread += (weight / Math.sqrt(rowDegree * otherDegree)) * labels[other * optionCount + option]!;
          }
        }
        const at = row * optionCount + option;
        next[at] = SPREADING_ALPHA * spread + (1 - SPREADING_ALPHA) * seeds[at]!;
        change = Math.max(change, Math.abs(next[at]! - labels[at]!));
      }
    }
    [labels, next] = [next, labels];
    converged = change <= SPREADING_TOLERANCE;
  }

  // Class mass normalisation to the seeds' shares.
  const scores = new Float64Array(members.length * optionCount);
  for (let option = 0; option < optionCount; option++) {
    let seedMass = 0;
    let mass = 0;
    for (let row = 0; row < rowCount; row++) {
      seedMass += seeds[row * optionCount + option]!;
      mass += labels[row * optionCount + option]!;
    }
    const factor = mass > 0 ? seedMass / mass : 0;
    for (let row = 0; row < members.length; row++)
      scores[row * optionCount + option] = labels[row * optionCount + option]! * factor;
  }
  return {
    decisions: decisionsFrom(view, { optionCount, scores, similarities: first.similarities }),
    rounds,
    converged,
  };
}

/** Indices of the `count` largest values (ties: the lower index), in no particular order. */
function topIndices(values: Float64Array, count: number): number[] {
  const picked: number[] = [];
  for (let index = 0; index < values.length; index++) {
    const value = values[index]!;
    if (picked.length < count) {
      picked.push(index);
      continue;
    }
    let lowest = 0;
    for (let position = 1; position < picked.length; position++)
      if (values[picked[position]!]! < values[picked[lowest]!]!) lowest = position;
    if (value > values[picked[lowest]!]!) picked[lowest] = index;
  }
  return picked;
}
