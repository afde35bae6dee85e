import type { RunStore, UsageReport } from '@treesynth/core';
import type { CostEstimate } from '@treesynth/providers';

/** `usage.json`: the engine's counts per stage, with the cost and the prefix share beside them. */
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
