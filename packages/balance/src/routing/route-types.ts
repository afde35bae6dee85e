import type { PathStep } from '@treesynth/core';

/** Which mechanism made a decision. */
export type RouterKind = 'embedding' | 'llm' | 'hybrid';

/** One level of a route: the internal node the sample passed and the child it went to. */
export interface LevelDecision {
  /** The internal (split) node. */
  nodeId: string;
  /** The child chosen; for an infinite split, its single child. */
  childId: string;
  dimension: string;
  /** The value chosen (for an infinite split: the nearest drawn value). */
  value: string;
  /** Cosine similarity to the chosen child's prototype (embedding decisions only). */
  similarity?: number;
  /**
   * The router's decision score of the chosen child minus the runner-up's (embedding decisions only;
   * 1 when alone). For the embedding router the score is in cosine units (see `createEmbeddingRouter`).
   */
  margin?: number;
  decidedBy: 'embedding' | 'llm';
  /** LLM answers that matched no option, in order, before the accepted one (or before giving up). */
  unmatchedAnswers?: string[];
}

/** Where one sample went: exactly one leaf, or `null` with the reason when it could not be routed. */
export interface Route {
  leafId: string | null;
  /** The constraints of the leaf, infinite steps resolved to the chosen value. */
  path: PathStep[];
  /** Similarity at the last embedding decision, or null when no embedding decision was made. */
  similarity: number | null;
  /** The smallest margin over the route's embedding decisions, or null when there were none. */
  margin: number | null;
  decidedBy: RouterKind;
  levels: LevelDecision[];
  /** Set when `leafId` is null: why (e.g. 'llm answered no option 3 times at <node>'). */
  unrouted?: string;
}

export interface RouteProgress {
  routed: number;
  total: number;
  llmCalls: number;
  elapsedMs: number;
}

export interface RouteOptions {
  signal?: AbortSignal;
  onProgress?: (progress: RouteProgress) => void;
}

export interface RouterStats {
  samples: number;
  /** Chat calls made (LLM and hybrid routers). */
  llmCalls: number;
  /** Hybrid only: calls an LLM-only router would have made for the same samples, minus llmCalls. */
  llmCallsSaved?: number;
  /** Embedding calls' texts embedded (samples plus prototype texts). */
  textsEmbedded: number;
  unrouted: number;
  /**
   * Embedding and hybrid routers with self-training: nodes it ran at, rounds run in all, and nodes
   * where it stopped at the round cap with decisions still changing.
   */
  selfTraining?: { nodes: number; rounds: number; unconverged: number };
}

/** Routes texts (one per sample) to the leaves of one tree. */
export interface Router {
  readonly kind: RouterKind;
  route(texts: readonly string[], options?: RouteOptions): Promise<Route[]>;
  /** Totals over every `route` call so far. */
  stats(): RouterStats;
}
