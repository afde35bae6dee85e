import type { RunStore, UsageCounts, UsageReport } from '@treesynth/core';
import { z } from 'zod';
import type { CostEstimate } from './estimate-cost.js';
import { modelPriceSchema } from './price-table.js';

const usageCountsSchema = z.object({
  calls: z.number().int().nonnegative(),
  cachedCalls: z.number().int().nonnegative(),
  promptTokens: z.number().nonnegative(),
  cachedPromptTokens: z.number().nonnegative(),
  completionTokens: z.number().nonnegative(),
}) satisfies z.ZodType<UsageCounts>;

/** A `CostEstimate` as JSON keeps it: figures that are `undefined` (no price) are left out. */
const costSchema = z.object({
  modelId: z.string(),
  price: z
    .object({ key: z.string(), price: modelPriceSchema, source: z.enum(['override', 'built-in']) })
    .optional(),
  total: z.number().optional(),
  stages: z.record(z.string(), z.number()),
  warnings: z.array(z.string()),
});

/**
 * `usage.json` of a run: the engine's calls and tokens per stage (a batch's answers are its `batch`
 * stage), with the cost at the model's prices and the share of prompts that repeat a prefix beside them.
 */
export const usageFileSchema = z.object({
  total: usageCountsSchema,
  stages: z.record(z.string(), usageCountsSchema),
  cost: costSchema.nullable(),
  prefixShare: z.record(z.string(), z.number()).nullable(),
});

export type UsageFile = z.infer<typeof usageFileSchema>;

/** Write `usage.json`: the engine's counts per stage, with the cost and the prefix share beside them. */
export function writeUsageFile(
  store: RunStore,
  usage: UsageReport,
  extras: { cost?: CostEstimate; prefixShare?: Record<string, number> },
): Promise<void> {
  return store.writeUsage({ ...usage, cost: extras.cost ?? null, prefixShare: extras.prefixShare ?? null });
}
