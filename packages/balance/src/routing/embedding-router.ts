import {
  ConfigError,
  type Embedder,
  type NodeStep,
  type PartitionTree,
  type SampleFields,
  type TaskDefinition,
  type TreeNode,
  wrapEmbedder,
} from '@treesynth/core';
import { primaryField } from '@treesynth/core/internal';
import { dot, dotRows, mean, norm, subtract, unit } from './_vectors.js';
import { type SplitView, splitView, type Walker, walkTree } from './_walk-tree.js';
import type { LevelDecision, Route, RouteOptions, Router, RouterStats } from './route-types.js';

export interface EmbeddingRouterOptions {
  tree: PartitionTree;
  task: TaskDefinition;
  embedder: Embedder;
  /**
   * How much a child's path description counts against its pivots, in pivots: a score is
   * α·description term + (1 − α)·pivot term with α = descriptionWeight / (descriptionWeight + n),
   * n the child's pivots. Default 5 (with 10 pivots the pivots carry two thirds).
   */
  descriptionWeight?: number;
  /**
   * `'balanced'` (default): measure similarities after subtracting a centre in which every child
   * counts equally (re-estimated from the decisions, see `createEmbeddingRouter`), so a skewed
   * dataset is not made to look balanced; `'batch'`: the plain mean of the samples and pivots at
   * each node; `'none'`: raw cosine.
   */
  centering?: 'balanced' | 'batch' | 'none';
  /**
   * With centring: also divide every coordinate by its spread over the node's group (default true).
   * See `createEmbeddingRouter`.
   */
  standardize?: boolean;
  /**
   * Extra words for a value's description, keyed by value or by `dimension: value`, e.g.
   * `{ Geometry: 'triangles, circles, polygons, areas, angles' }`. They go into the embedded
   * description only; LLM prompts and routes keep the value as it is.
   */
  descriptions?: Record<string, string>;
}

/** An embedding router that can also route vectors embedded elsewhere (once, or with a cache). */
export interface EmbeddingRouter extends Router {
  readonly kind: 'embedding';
  /** Route samples given as their embeddings (by the same embedder as the router's), in order. */
  routeEmbeddings(vectors: readonly Float32Array[], options?: RouteOptions): Promise<Route[]>;
  /** Embed texts with the router's embedder (counted in `textsEmbedded`). */
  embed(texts: readonly string[], signal?: AbortSignal): Promise<Float32Array[]>;
  /**
   * The decision at every node of a batch's routes, for the hybrid router: runs `review` on each
   * node's group after the embedding decision, letting it replace decisions before samples move on.
   */
  routeWithReview(
    vectors: readonly Float32Array[],
    review: EmbeddingReview,
    options?: RouteOptions,
  ): Promise<{ routes: Route[]; walkers: Walker[] }>;
}

/** A hook that may replace the embedding decision of some samples at a node (the hybrid's LLM step). */
export type EmbeddingReview = (
  view: SplitView,
  members: readonly number[],
  decisions: LevelDecision[],
  walkers: readonly Walker[],
) => Promise<LevelDecision[]>;

/** Re-estimations of the balanced centre from the decisions (each one a full pass over the node). */
const BALANCED_PASSES = 3;

/** Below this many samples and pivots at a node, its mean is too noisy a centre: the batch's is used. */
const MIN_LOCAL_CENTER = 16;
/** λ in s_j = √(σ_j² + λ·mean σ²): keeps near-constant coordinates from being blown up. */
const SCALE_SHRINKAGE = 0.3;

/** Where a node measures from: its centre μ and, when standardising, 1/s_j per coordinate. */
interface Frame {
  center: Float32Array;
  inverseScale?: Float32Array;
}

/** Mean and (optionally) shrunk inverse standard deviation per coordinate of the picked vectors. */
function frameOf(
  groups: readonly {
    vectors: readonly Float32Array[];
    indices?: readonly number[];
    scales?: Float64Array;
    /** Weight of each vector of the group (default 1). */
    weight?: number;
  }[],
  dimensions: number,
  standardize: boolean,
): Frame {
  const sum = new Float64Array(dimensions);
  const squares = new Float64Array(dimensions);
  let count = 0;
  for (const { vectors, indices, scales, weight = 1 } of groups) {
    const size = indices ? indices.length : vectors.length;
    for (let position = 0; position < size; position++) {
      const index = indices ? indices[position]! : position;
      const vector = vectors[index]!;
      const scale = scales ? scales[index]! : 1;
      for (let dim = 0; dim < dimensions; dim++) {
        const value = vector[dim]! * scale;
        sum[dim]! += weight * value;
        squares[dim]! += weight * value * value;
      }
    }
    count += weight * size;
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
function relative(vector: Float32Array, scale: number, frame: Frame, out: Float32Array): Float32Array {
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
function pack(rows: readonly (Float32Array | undefined)[], dimensions: number): Float32Array {
  const matrix = new Float32Array(rows.length * dimensions);
  rows.forEach((row, index) => {
    if (row) matrix.set(row, index * dimensions);
  });
  return matrix;
}

function scaled(vector: Float32Array, inverseScale: Float32Array | undefined): Float32Array {
  return inverseScale ? vector.map((value, dim) => value * inverseScale[dim]!) : vector;
}

interface NodeModel {
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

/** The description of a child: the task, then its path one `dimension: value` a line. */
export function describePath(
  task: TaskDefinition,
  steps: readonly NodeStep[],
  descriptions?: Record<string, string>,
): string {
  const lines = steps.map((step) => {
    if (step.infinite)
      return `${step.dimension}: any of ${step.values.slice(0, 5).join(', ')}${step.values.length > 5 ? ', …' : ''}`;
    const extra = descriptions?.[`${step.dimension}: ${step.value}`] ?? descriptions?.[step.value];
    return `${step.dimension}: ${step.value}${extra ? ` (${extra})` : ''}`;
  });
  return [task.description, ...lines].join('\n');
}

/** The text of a pivot as routers embed it: the task's main field, else all fields joined. */
export function sampleText(task: TaskDefinition, sample: SampleFields): string {
  const main = sample[primaryField(task)];
  return typeof main === 'string' ? main : Object.values(sample).join('\n');
}

/**
 * Route by embeddings. At each split node every sample goes to the child with the highest score.
 *
 * Centring. Sentence embeddings of one task share a large common direction (MATH problems average
 * cosine 0.58 to each other), so raw cosine mostly measures "is a math problem". Every sample x (unit
 * length) is taken relative to the node's centre μ: the mean embedding of the samples routed through
 * the node together with the node's pivots (the batch-wide mean when that group is under 16), x' = x − μ.
 * Sibling descriptions are centred on their own mean, which removes the shared task and path text.
 * With `standardize` (the default), every coordinate j of x − μ, d_v − d̄ and c_v − μ is then
 * divided by s_j = √(σ_j² + 0.3·mean σ²), σ_j² the variance of the same group: an IDF-like
 * reweighting, so features every problem has (feature hashing's common words and LaTeX tokens) do
 * not drown the rare, topical ones. Below, x' stands for the centred (and scaled) sample.
 * With `centering: 'balanced'` (the default) μ and s are then re-estimated BALANCED_PASSES times
 * with every child counting equally: each child's group (the samples just decided for it and its
 * pivots) gets total weight 1, so μ is the mean of the children's means. The plain mean
 * (`centering: 'batch'`) sits deep inside a dominant child, which pushes that child's borderline
 * samples to its siblings and makes a skewed dataset look more even than it is, the opposite of
 * what balancing needs; on MATH-500 both route equally well (benchmarks/balance/routing.ts).
 * A sample's route still depends on the batch it is routed with, through μ and s: route the
 * whole dataset in one call, or pass `centering: 'none'` (μ = 0, no scaling).
 *
 * Score of value v, from the embedded description d_v of the child's path (task plus
 * `dimension: value` steps; "dimension: value" for an infinite split's values) and the centroid c_v
 * of the n_v pivots the criterion assigned to v:
 *
 *   D_v(x) = ⟨x', r_v⟩ / ‖x'‖,          r_v = unit(d_v − d̄)         (centred cosine to the description)
 *   E_v(x) = 2⟨x', c'_v⟩ − ‖c'_v‖²,     c'_v = c_v − μ               (= ‖x'‖² − ‖x' − c'_v‖²: nearest centroid)
 *   s_v(x) = α_v · D_v + (1 − α_v) · (σ_D / σ_E) · (E_v − Ē),  α_v = κ / (κ + n_v)
 *
 * with Ē the sample's mean of E over the values that have pivots (a value without pivots gets
 * α = 1 and no E term, i.e. average pivot evidence), σ_D and σ_E the spreads of D and E − Ē over the
 * node's group (so the two terms are weighed on one scale), and κ the `descriptionWeight`. With
 * fewer than two values holding pivots, descriptions decide alone. The pivot term is a Euclidean
 * nearest-centroid rule rather than a cosine: a broad value (MATH's Algebra) has its centroid near
 * μ, and normalising that short residual would blow its noise up; measured on MATH-500 the
 * Euclidean form routes 2 points better.
 *
 * The decision records `similarity` = α·D + (1 − α)·cos(x', c'_v) of the chosen value (a cosine)
 * and `margin` = best s minus runner-up s (in the units of D; 1 with one option).
 */
export function createEmbeddingRouter(options: EmbeddingRouterOptions): EmbeddingRouter {
  const { tree, task, embedder } = options;
  const descriptionWeight = options.descriptionWeight ?? 5;
  if (!(descriptionWeight >= 0) || !Number.isFinite(descriptionWeight)) {
    throw new ConfigError({
      path: 'descriptionWeight',
      message: `expected a number >= 0, got ${descriptionWeight}`,
    });
  }
  const centering = options.centering ?? 'balanced';
  const standardize = options.standardize ?? true;
  const stats: RouterStats = { samples: 0, llmCalls: 0, textsEmbedded: 0, unrouted: 0 };
  let models: Promise<Map<string, NodeModel>> | undefined;

  const embedding = wrapEmbedder({ embedder });
  const embed = async (texts: readonly string[], signal?: AbortSignal) => {
    const { embeddings } = await embedding.doEmbed({ values: [...texts], ...(signal ? { signal } : {}) });
    stats.textsEmbedded += new Set(texts).size;
    return embeddings.map(unit);
  };

  /** Embed every prototype text of the tree in one pass, then build each split node's model. */
  const build = async (signal?: AbortSignal): Promise<Map<string, NodeModel>> => {
    const splits = [...tree.nodes.values()].filter(
      (node) => node.status === 'split' && node.split && node.children.length > 0,
    );
    const texts: string[] = [];
    const plans = splits.map((node) => {
      const view = splitView(node);
      const split = node.split!;
      const descriptionTexts = view.options.map((option) =>
        view.infinite
          ? `${view.dimension}: ${option.value}`
          : describePath(
              task,
              [...node.steps, { dimension: view.dimension, value: option.value }],
              options.descriptions,
            ),
      );
      const pivotTexts = split.pivots.map((pivot) => sampleText(task, pivot));
      texts.push(...descriptionTexts, ...pivotTexts);
      return { node, view, descriptionTexts, pivotTexts };
    });
    const vectors = texts.length > 0 ? await embed(texts, signal) : [];
    const byText = new Map(texts.map((text, index) => [text, vectors[index]!]));
    const built = new Map<string, NodeModel>();
    for (const { node, view, descriptionTexts, pivotTexts } of plans) {
      built.set(
        node.id,
        nodeModel(
          node,
          view,
          descriptionTexts.map((text) => byText.get(text)!),
          pivotTexts.map((text) => byText.get(text)!),
        ),
      );
    }
    return built;
  };

  const nodeModel = (
    node: TreeNode,
    view: SplitView,
    descriptions: Float32Array[],
    pivots: Float32Array[],
  ): NodeModel => {
    const dimensions = descriptions[0]?.length ?? 0;
    const siblingMean =
      centering !== 'none' && descriptions.length > 1 ? mean(descriptions, dimensions) : undefined;
    const assigned = new Map<string, number[]>();
    for (const assignment of node.split!.assignments) {
      const list = assigned.get(assignment.value) ?? [];
      for (const index of assignment.pivots) if (index >= 0 && index < pivots.length) list.push(index);
      assigned.set(assignment.value, list);
    }
    const pivotMembers = view.options.map((option) => assigned.get(option.value) ?? []);
    const pivotCentroids = pivotMembers.map((members) =>
      members.length > 0 ? mean(pivots, dimensions, members) : undefined,
    );
    return {
      descriptions: descriptions.map((vector) => (siblingMean ? subtract(vector, siblingMean) : vector)),
      pivotCentroids,
      pivotCounts: pivotMembers.map((members) => members.length),
      pivotMembers,
      pivots,
    };
  };

  const prepare = (signal?: AbortSignal) => {
    models ??= build(signal).catch((error: unknown) => {
      models = undefined;
      throw error;
    });
    return models;
  };

  const routeWithReview = async (
    vectors: readonly Float32Array[],
    review: EmbeddingReview | undefined,
    routeOptions: RouteOptions = {},
  ) => {
    const built = await prepare(routeOptions.signal);
    const samples = vectors;
    // Samples are used at unit length: 1/‖x‖ each, applied on the fly rather than copying them.
    const scales = Float64Array.from(samples, (vector) => {
      const length = norm(vector);
      return length > 0 ? 1 / length : 0;
    });
    const dimensions = samples[0]?.length ?? 0;
    const allPivots = [...built.values()].flatMap((model) => model.pivots);
    const centred = centering !== 'none';
    const batchFrame: Frame =
      centred && samples.length + allPivots.length >= 2
        ? frameOf([{ vectors: samples, scales }, { vectors: allPivots }], dimensions, standardize)
        : { center: new Float32Array(dimensions) };

    const walkers = await walkTree(
      tree,
      samples.length,
      async (view, members, currentWalkers) => {
        const model = built.get(view.node.id)!;
        const local = centred && members.length + model.pivots.length >= MIN_LOCAL_CENTER;
        const frame = local
          ? frameOf(
              [{ vectors: samples, indices: members, scales }, { vectors: model.pivots }],
              dimensions,
              standardize,
            )
          : batchFrame;
        let decisions = decideAtNode(view, model, members, samples, scales, frame, descriptionWeight);
        if (local && centering === 'balanced') {
          for (let pass = 0; pass < BALANCED_PASSES; pass++) {
            const balanced = balancedFrame(view, model, members, decisions, samples, scales, standardize);
            decisions = decideAtNode(view, model, members, samples, scales, balanced, descriptionWeight);
          }
        }
        const final = review ? await review(view, members, decisions, currentWalkers) : decisions;
        return final.map((decision) => ({ decision }));
      },
      {
        signal: routeOptions.signal,
        onProgress:
          routeOptions.onProgress &&
          ((progress) => routeOptions.onProgress!({ ...progress, llmCalls: stats.llmCalls })),
      },
    );
    const routes = walkers.map((walker) => toRoute(walker));
    stats.samples += routes.length;
    stats.unrouted += routes.filter((route) => route.leafId === null).length;
    return { routes, walkers };
  };

  return {
    kind: 'embedding',
    embed,
    async route(texts, routeOptions) {
      if (texts.length === 0) return [];
      await prepare(routeOptions?.signal);
      return (await routeWithReview(await embed(texts, routeOptions?.signal), undefined, routeOptions))
        .routes;
    },
    async routeEmbeddings(vectors, routeOptions) {
      return (await routeWithReview(vectors, undefined, routeOptions)).routes;
    },
    routeWithReview: (vectors, review, routeOptions) => routeWithReview(vectors, review, routeOptions),
    stats: () => ({ ...stats }),
  };
}

/**
 * The frame in which every option counts equally: each option's group (the members decided for it
 * and its pivots) gets total weight 1, so the centre is the mean of the options' means and the
 * spread an equal mixture of theirs. Options with neither members nor pivots are left out.
 */
function balancedFrame(
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

/**
 * Scores of every member against every option of one node (see `createEmbeddingRouter` for the
 * formulas), and the decision each member gets.
 */
function decideAtNode(
  view: SplitView,
  model: NodeModel,
  members: readonly number[],
  samples: readonly Float32Array[],
  scales: Float64Array,
  frame: Frame,
  descriptionWeight: number,
): LevelDecision[] {
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

  return members.map((_, row): LevelDecision => {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    let second = Number.NEGATIVE_INFINITY;
    for (let option = 0; option < optionCount; option++) {
      const at = row * optionCount + option;
      const alpha = alphas[option]!;
      const score = alpha * cosines[at]! + (1 - alpha) * pivotScale * pivotScores[at]!;
      if (score > bestScore) {
        second = bestScore;
        bestScore = score;
        best = option;
      } else if (score > second) second = score;
    }
    const at = row * optionCount + best;
    const alpha = alphas[best]!;
    const option = view.options[best]!;
    return {
      nodeId: view.node.id,
      childId: option.childId,
      dimension: view.dimension,
      value: option.value,
      similarity: alpha * cosines[at]! + (1 - alpha) * pivotCosines[at]!,
      margin: optionCount > 1 ? bestScore - second : 1,
      decidedBy: 'embedding',
    };
  });
}

/** A finished walk as a route: the leaf, the path, and the embedding similarity and smallest margin. */
export function toRoute(walker: Walker, kind: 'embedding' | 'llm' = 'embedding'): Route {
  const embedded = walker.levels.filter(
    (level) => level.decidedBy === 'embedding' && level.margin !== undefined,
  );
  const byLlm = walker.levels.some((level) => level.decidedBy === 'llm');
  const route: Route = {
    leafId: walker.unrouted ? null : walker.leafId,
    path: walker.path,
    similarity: embedded.at(-1)?.similarity ?? null,
    margin: embedded.length > 0 ? Math.min(...embedded.map((level) => level.margin!)) : null,
    decidedBy: byLlm ? (embedded.length > 0 ? 'hybrid' : 'llm') : embedded.length > 0 ? 'embedding' : kind,
    levels: walker.levels,
  };
  if (walker.unrouted) route.unrouted = walker.unrouted;
  return route;
}
