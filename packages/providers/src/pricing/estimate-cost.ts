import type { UsageCounts, UsageReport } from '@treesynth/core';
import { findPrice, type ModelPrice, type PriceMatch, type PriceTable } from './price-table.js';

export interface CostEstimate {
  modelId: string;
  /** The price used, with the table key it matched; absent when the model has none. */
  price?: PriceMatch;
  /** USD for the whole run; `undefined` when the model has no price. */
  total: number | undefined;
  /** USD per stage, with the usage report's stage names. */
  stages: Record<string, number | undefined>;
  /** Why a figure is missing. Never an exception. */
  warnings: string[];
}

/** Tokens a cost is computed from: a stage's or the run's counts. */
export type TokenCounts = Pick<UsageCounts, 'promptTokens' | 'cachedPromptTokens' | 'completionTokens'>;

/** USD of some tokens at a price (USD per 1M tokens); prefix-cached prompt tokens at the cached price. */
export function tokenCost(counts: TokenCounts, price: ModelPrice): number {
  const cached = Math.min(Math.max(0, counts.cachedPromptTokens), counts.promptTokens);
  const uncached = counts.promptTokens - cached;
  return (
    (uncached * price.prompt +
      cached * (price.cachedPrompt ?? price.prompt) +
      counts.completionTokens * price.completion) /
    1_000_000
  );
}

/**
 * What a run's usage cost, per stage and in all, at the built-in list prices or the user's
 * `overrides` (which win). Calls answered by the response cache cost nothing: the usage report gives
 * them no tokens. An unknown model gives `undefined` figures and a warning, never an exception.
 */
export function estimateCost(usage: UsageReport, modelId: string, overrides?: PriceTable): CostEstimate {
  const price = findPrice(modelId, overrides);
  if (!price) {
    return {
      modelId,
      total: undefined,
      stages: Object.fromEntries(Object.keys(usage.stages).map((stage) => [stage, undefined])),
      warnings: [
        `no price for model ${JSON.stringify(modelId)}, so no cost estimate; give its USD per 1M tokens in a price file: ` +
          `{${JSON.stringify(modelId)}: {"prompt": 0.15, "cachedPrompt": 0.075, "completion": 0.6}}`,
      ],
    };
  }
  return {
    modelId,
    price,
    total: tokenCost(usage.total, price.price),
    stages: Object.fromEntries(
      Object.entries(usage.stages).map(([stage, counts]) => [stage, tokenCost(counts, price.price)]),
    ),
    warnings: [],
  };
}
