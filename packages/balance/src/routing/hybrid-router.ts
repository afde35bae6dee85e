import { ConfigError, type Embedder, silentLogger } from '@treesynth/core';
import { createEmbeddingRouter, type EmbeddingRouterOptions } from './embedding-router.js';
import { createLlmRouter, type LlmRouterOptions } from './llm-router.js';
import type { LevelDecision, Route, RouteOptions, Router, RouterStats } from './route-types.js';

export interface HybridRouterOptions
  extends Omit<EmbeddingRouterOptions, 'embedder'>,
    Omit<LlmRouterOptions, 'tree' | 'task'> {
  embedder: Embedder;
  /**
   * Levels whose embedding margin is below this go to the LLM: a fixed threshold, in the units of
   * the margin (which differ by embedder). Unset (the default): calibrated from the margins at
   * each node, see `llmShare`.
   */
  marginThreshold?: number;
  /**
   * Without `marginThreshold`: at each node, the share of its samples, those with the smallest
   * margins, that go to the LLM (the threshold is that quantile of the node's margins). Default
   * 0.2: at most a fifth of the calls an LLM-only router would make.
   */
  llmShare?: number;
}

export interface HybridRouter extends Router {
  readonly kind: 'hybrid';
  /** Route samples already embedded (by the router's embedder); `texts` are needed for the LLM levels. */
  routeEmbeddings(
    texts: readonly string[],
    vectors: readonly Float32Array[],
    options?: RouteOptions,
  ): Promise<Route[]>;
}

/**
 * Embeddings everywhere, the LLM only where they are unsure: each level is decided by the embedding
 * router, and a decision whose margin (best minus runner-up score) is among the node's smallest
 * (`llmShare` of them) or below `marginThreshold` when one is given, is asked of the LLM instead, exactly as the LLM router would ask it. The sample then goes on from
 * the child the LLM chose. When the LLM names no option after its attempts, the embedding choice
 * stands and the unmatched answers are kept on that level.
 *
 * `stats().llmCallsSaved` estimates the calls an LLM-only router would have made for the same samples
 * as one per level decided (its minimum: no retries), minus the calls the hybrid made.
 */
export function createHybridRouter(options: HybridRouterOptions): HybridRouter {
  const { marginThreshold } = options;
  if (marginThreshold !== undefined && (!Number.isFinite(marginThreshold) || marginThreshold < 0)) {
    throw new ConfigError({
      path: 'marginThreshold',
      message: `expected a number >= 0, got ${marginThreshold}`,
    });
  }
  const llmShare = options.llmShare ?? DEFAULT_LLM_SHARE;
  if (!(llmShare >= 0 && llmShare <= 1)) {
    throw new ConfigError({ path: 'llmShare', message: `expected a number from 0 to 1, got ${llmShare}` });
  }
  const logger = options.logger ?? silentLogger;
  const embedding = createEmbeddingRouter(options);
  const llm = createLlmRouter({ ...options, logger });
  let samples = 0;
  let levels = 0;
  let unrouted = 0;

  const routeEmbeddings = async (
    texts: readonly string[],
    vectors: readonly Float32Array[],
    routeOptions: RouteOptions = {},
  ) => {
    if (texts.length !== vectors.length) {
      throw new ConfigError({
        path: 'vectors',
        message: `got ${vectors.length} vectors for ${texts.length} texts`,
      });
    }
    const { routes } = await embedding.routeWithReview(
      vectors,
      async (view, members, decisions, walkers) => {
        const unsure = unsureDecisions(decisions, marginThreshold, llmShare);
        return Promise.all(
          decisions.map(async (decision, position): Promise<LevelDecision> => {
            if (!unsure.has(position)) return decision;
            const member = members[position]!;
            const outcome = await llm.classify(
              view,
              walkers[member]!.path,
              texts[member]!,
              routeOptions.signal,
            );
            if ('decision' in outcome) return outcome.decision;
            logger.debug(`hybrid: the LLM named no option at ${view.node.id}; the embedding choice stands`);
            return { ...decision, unmatchedAnswers: outcome.unmatchedAnswers ?? [] };
          }),
        );
      },
      {
        signal: routeOptions.signal,
        onProgress:
          routeOptions.onProgress &&
          ((progress) => routeOptions.onProgress!({ ...progress, llmCalls: llm.stats().llmCalls })),
      },
      texts,
    );
    samples += routes.length;
    levels += routes.reduce((total, route) => total + route.levels.length, 0);
    unrouted += routes.filter((route) => route.leafId === null).length;
    return routes;
  };

  return {
    kind: 'hybrid',
    async route(texts, routeOptions) {
      if (texts.length === 0) return [];
      return routeEmbeddings(texts, await embedding.embed(texts, routeOptions?.signal), routeOptions);
    },
    routeEmbeddings,
    stats(): RouterStats {
      const llmCalls = llm.stats().llmCalls;
      return {
        samples,
        llmCalls,
        llmCallsSaved: levels - llmCalls,
        textsEmbedded: embedding.stats().textsEmbedded,
        unrouted,
      };
    },
  };
}

/** Default share of each node's decisions, the least certain, that the hybrid asks of the LLM. */
export const DEFAULT_LLM_SHARE = 0.2;

/**
 * Positions of the decisions to ask the LLM about: margin below `threshold` when one is given;
 * else the round(share · n) smallest margins of the node (ties broken by position). A margin is in
 * the units of the router's scores, which vary with the embedder and the tree; a share of the
 * node's own margin distribution means the same thing everywhere.
 */
export function unsureDecisions(
  decisions: readonly LevelDecision[],
  threshold: number | undefined,
  share: number,
): Set<number> {
  const margins = decisions.map((decision) => decision.margin ?? 1);
  if (threshold !== undefined)
    return new Set(margins.flatMap((margin, position) => (margin < threshold ? [position] : [])));
  const order = margins.map((_, position) => position).sort((a, b) => margins[a]! - margins[b]! || a - b);
  return new Set(order.slice(0, Math.round(share * margins.length)));
}
