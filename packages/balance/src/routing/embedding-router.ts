import {
  ConfigError,
  type Embedder,
  type NodeStep,
  type PartitionTree,
  primaryField,
  type SampleFields,
  type TaskDefinition,
  type TreeNode,
} from '@treesynth/core';
import { combine, dot, mean, subtract, unit } from './_vectors.js';
import { type SplitView, splitView, type Walker, walkTree } from './_walk-tree.js';
import { embedTexts } from './embed-texts.js';
import type { LevelDecision, Route, RouteOptions, Router, RouterStats } from './route-types.js';

export interface EmbeddingRouterOptions {
  tree: PartitionTree;
  task: TaskDefinition;
  embedder: Embedder;
  /**
   * How much a child's path description counts against its pivots, in pivots: a prototype is
   * α·description + (1 − α)·pivot centroid with α = descriptionWeight / (descriptionWeight + n),
   * n the child's pivots. Default 3 (with 10 pivots the centroid carries 77%).
   */
  descriptionWeight?: number;
  /**
   * `'batch'` (default): measure similarities after subtracting the mean embedding of the samples
   * (and pivots) at each node; `'none'`: raw cosine. See `createEmbeddingRouter`.
   */
  centering?: 'batch' | 'none';
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

/** Below this many samples and pivots at a node, its mean is too noisy a centre: the batch's is used. */
const MIN_LOCAL_CENTER = 16;

interface NodeModel {
  /** Per option: unit(d_v − mean of siblings' d) (or unit(d_v) without centring). */
  descriptions: Float32Array[];
  /** Per option: mean of the pivot embeddings assigned to it, or undefined without pivots. */
  pivotCentroids: (Float32Array | undefined)[];
  pivotCounts: number[];
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
 * Route by embeddings. At each split node every sample goes to the child whose prototype is nearest.
 *
 * Prototype of value v at a node, from the embedded description d_v of the child's path (task plus
 * `dimension: value` steps) and the n_v pivots the criterion assigned to v (centroid c_v):
 *
 *   P_v = unit( α_v · unit(d_v − d̄) + (1 − α_v) · unit(c_v − μ) ),   α_v = κ / (κ + n_v)
 *
 * with d̄ the mean of the siblings' descriptions, μ the centre of the node (below), κ the
 * `descriptionWeight`. Without pivots P_v is the centred description alone. For an infinite split,
 * the values are the options and d_v embeds "dimension: value"; every value leads to the one child.
 *
 * Centring. Sentence embeddings of one task share a large common direction (MATH problems average
 * cosine 0.58 to each other), so raw cosine mostly measures "is a math problem". The router measures
 *
 *   s_v(x) = ⟨x − μ, P_v⟩ / ‖x − μ‖
 *
 * where μ is the mean embedding of the samples being routed through the node together with the node's
 * pivots (the batch-wide mean when that group is under 16). Sibling descriptions are centred on their
 * own mean, which removes the shared task and path text. So a sample's route depends on the batch it
 * is routed with, through μ; route the whole dataset in one call (or pass `centering: 'none'`).
 *
 * The decision records s of the chosen value as `similarity` and best minus runner-up as `margin`
 * (1 with one option).
 */
export function createEmbeddingRouter(options: EmbeddingRouterOptions): EmbeddingRouter {
  const { tree, task, embedder } = options;
  const descriptionWeight = options.descriptionWeight ?? 3;
  if (!(descriptionWeight >= 0) || !Number.isFinite(descriptionWeight)) {
    throw new ConfigError({
      path: 'descriptionWeight',
      message: `expected a number >= 0, got ${descriptionWeight}`,
    });
  }
  const centering = options.centering ?? 'batch';
  const stats: RouterStats = { samples: 0, llmCalls: 0, textsEmbedded: 0, unrouted: 0 };
  let models: Promise<Map<string, NodeModel>> | undefined;

  const embed = async (texts: readonly string[], signal?: AbortSignal) => {
    const { embeddings, embedded } = await embedTexts(embedder, texts, signal);
    stats.textsEmbedded += embedded;
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
      centering === 'batch' && descriptions.length > 1 ? mean(descriptions, dimensions) : undefined;
    const assigned = new Map<string, number[]>();
    for (const assignment of node.split!.assignments) {
      const list = assigned.get(assignment.value) ?? [];
      for (const index of assignment.pivots) if (index >= 0 && index < pivots.length) list.push(index);
      assigned.set(assignment.value, list);
    }
    const pivotCounts: number[] = [];
    const pivotCentroids = view.options.map((option) => {
      const members = assigned.get(option.value) ?? [];
      pivotCounts.push(members.length);
      return members.length > 0 ? mean(pivots, dimensions, members) : undefined;
    });
    return {
      descriptions: descriptions.map((vector) => unit(siblingMean ? subtract(vector, siblingMean) : vector)),
      pivotCentroids,
      pivotCounts,
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
    const samples = vectors.map(unit);
    const dimensions = samples[0]?.length ?? 0;
    const allPivots = [...built.values()].flatMap((model) => model.pivots);
    const batchCenter =
      centering === 'batch' && samples.length + allPivots.length >= 2
        ? mean([...samples, ...allPivots], dimensions)
        : new Float32Array(dimensions);

    const walkers = await walkTree(
      tree,
      samples.length,
      async (view, members, currentWalkers) => {
        const model = built.get(view.node.id)!;
        let center = batchCenter;
        if (centering === 'batch' && members.length + model.pivots.length >= MIN_LOCAL_CENTER) {
          const sum = combine(
            [
              { weight: members.length, vector: mean(samples, dimensions, members) },
              { weight: model.pivots.length, vector: mean(model.pivots, dimensions) },
            ],
            dimensions,
          );
          center = sum.map((value) => value / (members.length + model.pivots.length));
        }
        const prototypes = view.options.map((_, index) => {
          const description = model.descriptions[index]!;
          const centroid = model.pivotCentroids[index];
          if (!centroid) return description;
          const alpha = descriptionWeight / (descriptionWeight + model.pivotCounts[index]!);
          const pivotPart = unit(subtract(centroid, center));
          return unit(
            combine(
              [
                { weight: alpha, vector: description },
                { weight: 1 - alpha, vector: pivotPart },
              ],
              dimensions,
            ),
          );
        });
        const centerDots = prototypes.map((prototype) => dot(center, prototype));
        const centerNormSquared = dot(center, center);
        const decisions = members.map((member): LevelDecision => {
          const sample = samples[member]!;
          // ‖x − μ‖² = ‖x‖² − 2⟨x, μ⟩ + ‖μ‖², with ‖x‖ = 1.
          const length = Math.sqrt(Math.max(1 - 2 * dot(sample, center) + centerNormSquared, 0)) || 1;
          let best = 0;
          let bestScore = Number.NEGATIVE_INFINITY;
          let second = Number.NEGATIVE_INFINITY;
          prototypes.forEach((prototype, index) => {
            const score = (dot(sample, prototype) - centerDots[index]!) / length;
            if (score > bestScore) {
              second = bestScore;
              bestScore = score;
              best = index;
            } else if (score > second) second = score;
          });
          const option = view.options[best]!;
          return {
            nodeId: view.node.id,
            childId: option.childId,
            dimension: view.dimension,
            value: option.value,
            similarity: bestScore,
            margin: prototypes.length > 1 ? bestScore - second : 1,
            decidedBy: 'embedding',
          };
        });
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
