import { z } from 'zod';
import type { ChatUsage } from '../spec/chat-model.js';

export const usageCountsSchema = z.object({
  /** Calls answered by the endpoint (paid). */
  calls: z.number().int().min(0),
  /** Calls answered by the response cache (free). */
  cachedCalls: z.number().int().min(0),
  promptTokens: z.number().min(0),
  cachedPromptTokens: z.number().min(0),
  completionTokens: z.number().min(0),
});

export type UsageCounts = z.infer<typeof usageCountsSchema>;

export const usageReportSchema = z.object({
  total: usageCountsSchema,
  stages: z.record(z.string(), usageCountsSchema),
});

export type UsageReport = z.infer<typeof usageReportSchema>;

/**
 * `usage.json`: the engine's counts per stage, with what the caller adds beside them: the cost
 * (a price estimate, e.g. @treesynth/providers' `estimateCost`) and the prefix share per stage.
 */
export const usageFileSchema = usageReportSchema.extend({
  cost: z.record(z.string(), z.unknown()).nullable().optional(),
  prefixShare: z.record(z.string(), z.number()).nullable().optional(),
});

export type UsageFile = z.infer<typeof usageFileSchema>;

function emptyCounts(): UsageCounts {
  return { calls: 0, cachedCalls: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0 };
}

/** Calls and tokens per stage. Cached calls are counted apart and add no tokens: nobody paid for them. */
export class UsageTracker {
  private readonly stages = new Map<string, UsageCounts>();
  private readonly total = emptyCounts();

  add(stage: string, usage: ChatUsage, cached: boolean): void {
    let counts = this.stages.get(stage);
    if (!counts) {
      counts = emptyCounts();
      this.stages.set(stage, counts);
    }
    for (const target of [counts, this.total]) {
      if (cached) {
        target.cachedCalls++;
        continue;
      }
      target.calls++;
      target.promptTokens += usage.promptTokens;
      target.cachedPromptTokens += usage.cachedPromptTokens ?? 0;
      target.completionTokens += usage.completionTokens;
    }
  }

  /** The running totals (a live object: read, do not keep). */
  totals(): Readonly<UsageCounts> {
    return this.total;
  }

  report(): UsageReport {
    return {
      total: { ...this.total },
      stages: Object.fromEntries([...this.stages].map(([stage, counts]) => [stage, { ...counts }])),
    };
  }
}
