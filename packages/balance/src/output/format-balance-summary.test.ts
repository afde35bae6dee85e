import { describe, expect, it } from 'vitest';
import type { BalanceResult } from '../balance-dataset.js';
import { formatBalanceSummary } from './format-balance-summary.js';

const distribution = (rows: number, coveredLeaves: number, entropy: number | null) => ({
  rows,
  leaves: 9,
  coveredLeaves,
  normalizedEntropy: entropy,
  gini: null,
});

function result(overrides: Partial<BalanceResult> = {}): BalanceResult {
  return {
    dir: 'runs/balanced',
    dryRun: false,
    simulated: false,
    data: { file: 'train.jsonl', rows: 100, bad: 0, badLines: [] },
    router: {
      kind: 'hybrid',
      embedder: 'hashing',
      stats: { samples: 100, llmCalls: 4, textsEmbedded: 100, unrouted: 2 },
    },
    totals: { routed: 98, unrouted: 2, kept: 60, dropped: 38, synthesize: 30, synthesized: 30, out: 90 },
    before: distribution(98, 5, 0.51234),
    after: distribution(90, 9, 0.99),
    shortLeaves: 0,
    files: ['balanced.jsonl', 'plan.json'],
    ...overrides,
  };
}

describe('formatBalanceSummary', () => {
  it('says rows, router, coverage and entropy before and after, what was kept and made, and the files', () => {
    expect(formatBalanceSummary(result())).toBe(
      [
        'balance done: runs/balanced',
        '  rows: 100 read, 98 routed, 2 unrouted (router: hybrid, hashing, 4 LLM calls)',
        '  leaves covered: 5 → 9 of 9; normalised leaf entropy: 0.512 → 0.990',
        '  kept 60, dropped 38, synthesized 30 of 30: 90 rows out',
        '  files: balanced.jsonl, plan.json',
        '',
      ].join('\n'),
    );
  });

  it('a dry run shows the plan; bad lines, short leaves and a simulated model are named', () => {
    const text = formatBalanceSummary(
      result({
        dryRun: true,
        simulated: true,
        data: { file: 'x', rows: 100, bad: 7, badLines: [3, 4, 5, 6, 7, 8, 9] },
        totals: { routed: 93, unrouted: 0, kept: 60, dropped: 33, synthesize: 30, unfilled: 4 },
        after: distribution(90, 9, null),
        shortLeaves: 2,
      }),
    );
    expect(text).toContain('balance planned (dry run) (simulated LLM): runs/balanced\n');
    expect(text).toContain('  rows: 100 read, 7 bad (lines 3, 4, 5, 6, 7, …), 93 routed');
    expect(text).toContain('normalised leaf entropy: 0.512 → planned n/a\n');
    expect(text).toContain('  plan: keep 60, drop 33, synthesize 30 (4 over the caps)\n');
    expect(text).toContain('  2 leaves short of their target (see plan.json)\n');
  });
});
