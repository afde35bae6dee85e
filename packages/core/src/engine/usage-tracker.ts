import type { ChatUsage } from '../spec/chat-model.js';

export interface UsageCounts {
  /** Calls answered by the endpoint (paid). */
  calls: number;
  /** Calls answered by the response cache (free). */
  cachedCalls: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
}

export interface UsageReport {
  total: UsageCounts;
  stages: Record<string, UsageCounts>;
}

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
