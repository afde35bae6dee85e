import { type RunStore, type UsageReport, writeFileAtomic } from '@treesynth/core';
import type { CostEstimate } from '@treesynth/providers';

/** `usage.json`: the engine's counts per stage, with the cost and the prefix share beside them. */
export function writeUsageFile(
  store: RunStore,
  usage: UsageReport,
  extras: { cost?: CostEstimate; prefixShare?: Record<string, number> },
): Promise<void> {
  return writeFileAtomic(
    store.file('usage'),
    `${JSON.stringify({ ...usage, cost: extras.cost ?? null, prefixShare: extras.prefixShare ?? null }, null, 2)}\n`,
  );
}
