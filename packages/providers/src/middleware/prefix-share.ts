import type { ChatCallOptions, ChatMessage, ChatModelMiddleware } from '@treesynth/core';

/** A call's prompt: its messages, or call options, whose `stage` (else schema name) groups the calls. */
export type PromptRecord =
  | readonly ChatMessage[]
  | Pick<ChatCallOptions, 'messages' | 'stage' | 'responseFormat'>;

export interface PrefixShareCounts {
  calls: number;
  /** Characters of every prompt (role and content of each message). */
  promptChars: number;
  /** Characters that repeat the start of the previous prompt of the same group. */
  sharedChars: number;
  /** `sharedChars / promptChars`, 0 when there were no prompts. */
  share: number;
}

export interface PrefixShareReport extends PrefixShareCounts {
  /** The same figures per stage (or schema name); plain message arrays form the group `all`. */
  groups: Record<string, PrefixShareCounts>;
}

/** Group of calls without a stage or schema name. */
const DEFAULT_GROUP = 'all';

/**
 * The share of prompt characters that are a common prefix with the previous prompt of the same
 * stage: a proxy for the prefix-cache hits of endpoints that cache prompt prefixes (vLLM, SGLang,
 * OpenAI). A high share says that prompts put their static part first. A prompt is its messages as a
 * chat template lays them out: each role, then its content; the first prompt of a group shares
 * nothing.
 */
export function prefixShare(prompts: Iterable<PromptRecord>): PrefixShareReport {
  const meter = createMeter();
  for (const prompt of prompts) meter.add(prompt);
  return meter.report();
}

/**
 * Measures `prefixShare` over the calls that pass through, keeping only the last prompt of each
 * group. Place it inside the cache, so that only calls sent to the endpoint count, and outside retry:
 * `[cacheMiddleware(...), meter, rateLimitMiddleware(...), retryMiddleware()]`; read `meter.report()`.
 */
export function prefixShareMiddleware(): ChatModelMiddleware & { report(): PrefixShareReport } {
  const meter = createMeter();
  return {
    transformOptions(options) {
      meter.add(options);
      return options;
    },
    report: () => meter.report(),
  };
}

function createMeter() {
  const groups = new Map<string, { counts: PrefixShareCounts; previous: string }>();
  return {
    add(prompt: PromptRecord): void {
      const { group, messages } = isMessageList(prompt)
        ? { group: DEFAULT_GROUP, messages: prompt }
        : { group: prompt.stage ?? prompt.responseFormat?.name ?? DEFAULT_GROUP, messages: prompt.messages };
      const text = promptText(messages);
      let entry = groups.get(group);
      if (!entry) {
        entry = { counts: emptyCounts(), previous: '' };
        groups.set(group, entry);
      }
      entry.counts.calls++;
      entry.counts.promptChars += text.length;
      entry.counts.sharedChars += commonPrefixLength(entry.previous, text);
      entry.previous = text;
    },
    report(): PrefixShareReport {
      const total = emptyCounts();
      const byGroup: Record<string, PrefixShareCounts> = {};
      for (const [group, { counts }] of groups) {
        byGroup[group] = withShare(counts);
        total.calls += counts.calls;
        total.promptChars += counts.promptChars;
        total.sharedChars += counts.sharedChars;
      }
      return { ...withShare(total), groups: byGroup };
    },
  };
}

function isMessageList(prompt: PromptRecord): prompt is readonly ChatMessage[] {
  return Array.isArray(prompt);
}

function promptText(messages: readonly ChatMessage[]): string {
  return messages.map((message) => `${message.role}\n${message.content}\n`).join('');
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let index = 0;
  while (index < limit && a.charCodeAt(index) === b.charCodeAt(index)) index++;
  return index;
}

function emptyCounts(): PrefixShareCounts {
  return { calls: 0, promptChars: 0, sharedChars: 0, share: 0 };
}

function withShare(counts: PrefixShareCounts): PrefixShareCounts {
  return { ...counts, share: counts.promptChars === 0 ? 0 : counts.sharedChars / counts.promptChars };
}
