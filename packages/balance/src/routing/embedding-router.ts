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
import { spreadLabels } from './_label-spreading.js';
import { type NodeTexts, naiveBayesEm } from './_naive-bayes-em.js';
import {
  balancedFrame,
  decisionsFrom,
  type Frame,
  frameOf,
  type NodeModel,
  scoreAtNode,
} from './_node-scores.js';
import { selfTrain } from './_self-training.js';
import { softEm } from './_soft-em.js';
import { mean, norm, subtract, unit } from './_vectors.js';
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
  /**
   * With balanced centring (the default): after the first decisions, learn from the rows
   * themselves (all are off by default; none routed better on MATH-500, see below):
   * - `'hard-em'` (or `true`): the rows decided for a value join its pivots and every row is scored
   *   again, until no decision changes (self-training with balanced priors; see `selfTrain`);
   * - `'soft-em'`: the same with every row counting towards every value by its posterior
   *   (see `softEm`);
   * - `'label-spreading'`: the decisions spread over a 10-nearest-neighbour graph of the rows and
   *   pivots (Zhou et al. 2004; see `spreadLabels`); its graph costs rows² dot products per node.
   * On MATH-500 at 10 pivots a subject with feature hashing (DEV half, benchmarks/balance/routing.ts)
   * they route 0.48, 0.44 and 0.40 against 0.55 without: in that space even the rows' true labels
   * give a nearest-centroid rule of only 0.55, so nothing learnt from the rows' clusters can add
   * much, and a wrong first decision is reinforced.
   * - `'naive-bayes-em'`: leaves the embedding space: a multinomial naive Bayes model of the rows'
   *   words, seeded by the descriptions and pivots, trained by EM over the rows with balanced priors
   *   (see `naiveBayesEm`); the embeddings only supply the decisions' `similarity`. It reads the rows'
   *   texts, so it needs `route(texts)`: `routeEmbeddings` refuses it. Its margins are log posterior
   *   odds (nats), so a hybrid `marginThreshold` means something else with it (the default share of
   *   each node's least certain decisions does not). On the same benchmark it routes 0.61 on DEV and
   *   0.54 on TEST (default 0.55 and 0.53), the only mode above the default.
   */
  selfTraining?: boolean | SelfTrainingMode;
}

/** The ways the embedding router can learn from the rows (`selfTraining`; docs/balance.md). */
export const SELF_TRAINING_MODES = ['hard-em', 'soft-em', 'label-spreading', 'naive-bayes-em'] as const;
export type SelfTrainingMode = (typeof SELF_TRAINING_MODES)[number];

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
    /** The samples' texts, in order: needed by `selfTraining: 'naive-bayes-em'`. */
    texts?: readonly string[],
  ): Promise<{ routes: Route[]; walkers: Walker[] }>;
}

/** A hook that may replace the embedding decision of some samples at a node (the hybrid's LLM step). */
/** A split node's embedding model and the texts its word model (`'naive-bayes-em'`) is seeded with. */
type BuiltNode = NodeModel & { texts: NodeTexts };

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
  const selfTraining = options.selfTraining === true ? 'hard-em' : options.selfTraining || undefined;
  const stats: RouterStats = { samples: 0, llmCalls: 0, textsEmbedded: 0, unrouted: 0 };
  const training = { nodes: 0, rounds: 0, unconverged: 0 };
  let models: Promise<Map<string, BuiltNode>> | undefined;

  const embedding = wrapEmbedder({ embedder });
  const embed = async (texts: readonly string[], signal?: AbortSignal) => {
    const { embeddings } = await embedding.doEmbed({ values: [...texts], ...(signal ? { signal } : {}) });
    stats.textsEmbedded += new Set(texts).size;
    return embeddings.map(unit);
  };

  /** Embed every prototype text of the tree in one pass, then build each split node's model. */
  const build = async (signal?: AbortSignal): Promise<Map<string, BuiltNode>> => {
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
    const built = new Map<string, BuiltNode>();
    for (const { node, view, descriptionTexts, pivotTexts } of plans) {
      const model = nodeModel(
        node,
        view,
        descriptionTexts.map((text) => byText.get(text)!),
        pivotTexts.map((text) => byText.get(text)!),
      );
      built.set(node.id, {
        ...model,
        texts: { descriptions: descriptionTexts, pivots: pivotTexts, pivotMembers: model.pivotMembers },
      });
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
    texts?: readonly string[],
  ) => {
    if (selfTraining === 'naive-bayes-em' && texts?.length !== vectors.length) {
      throw new ConfigError({
        path: 'selfTraining',
        message: `'naive-bayes-em' reads the rows' texts: route texts, not embeddings alone`,
      });
    }
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
        let scored = scoreAtNode(view, model, members, samples, scales, frame, descriptionWeight);
        let decisions = decisionsFrom(view, scored);
        if (selfTraining === 'naive-bayes-em') {
          const learned = naiveBayesEm(
            view,
            model.texts,
            members.map((member) => texts![member]!),
            scored,
            descriptionWeight,
          );
          decisions = learned.decisions;
          training.nodes++;
          training.rounds += learned.rounds;
          if (!learned.converged) training.unconverged++;
        } else if (local && centering === 'balanced') {
          let balanced = frame;
          for (let pass = 0; pass < BALANCED_PASSES; pass++) {
            balanced = balancedFrame(view, model, members, decisions, samples, scales, standardize);
            scored = scoreAtNode(view, model, members, samples, scales, balanced, descriptionWeight);
            decisions = decisionsFrom(view, scored);
          }
          const learned =
            selfTraining === 'hard-em'
              ? selfTrain(view, model, members, samples, scales, decisions, {
                  descriptionWeight,
                  standardize,
                })
              : selfTraining === 'soft-em'
                ? softEm(view, model, members, samples, scales, scored, { descriptionWeight, standardize })
                : selfTraining === 'label-spreading'
                  ? spreadLabels(view, model, members, samples, scales, balanced, decisions, scored)
                  : undefined;
          if (learned) {
            decisions = learned.decisions;
            training.nodes++;
            training.rounds += learned.rounds;
            if (!learned.converged) training.unconverged++;
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
      const vectors = await embed(texts, routeOptions?.signal);
      return (await routeWithReview(vectors, undefined, routeOptions, texts)).routes;
    },
    async routeEmbeddings(vectors, routeOptions) {
      return (await routeWithReview(vectors, undefined, routeOptions)).routes;
    },
    routeWithReview: (vectors, review, routeOptions, texts) =>
      routeWithReview(vectors, review, routeOptions, texts),
    stats: () => ({ ...stats, ...(training.nodes > 0 ? { selfTraining: { ...training } } : {}) }),
  };
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
