import type { RunStore, UsageReport } from '@treesynth/core';
import type { CostEstimate } from './estimate-cost.js';

/**
 * Write a run's `usage.json` (core's `usageFileSchema`): the engine's counts per stage (a batch's
 * answers are its `batch` stage), with the cost at the model's prices and the prefix share beside them.
 */
export function writeUsageFile(
  store: RunStore,
  usage: UsageReport,
  extras: { cost?: CostEstimate; prefixShare?: Record<string, number> },
): Promise<void> {
  return store.writeUsage({
    ...usage,
    cost: extras.cost ? { ...extras.cost } : null,
    prefixShare: extras.prefixShare ?? null,
  });
}
