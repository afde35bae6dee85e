import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../engine/run-summary.js';
import { formatRunSummary, thousands } from './format-run-summary.js';

const counts = (calls: number, tokens: number) => ({
  calls,
  cachedCalls: 0,
  promptTokens: tokens,
  cachedPromptTokens: 0,
  completionTokens: tokens,
});

function summary(overrides: Partial<RunSummary> = {}): RunSummary {
  return {
    status: 'complete',
    nodes: 12,
    splitNodes: 3,
    leaves: 9,
    leafReasons: { 'max-depth': 8, 'no-criterion': 1 },
    maxDepthReached: 2,
    infiniteNodes: 1,
    leafCalls: { planned: 9, done: 9, failed: 0, deferred: 0 },
    samples: 1234,
    usage: { total: { ...counts(21, 5000), cachedCalls: 2 }, stages: { leaf: counts(9, 3000) } },
    elapsedMs: 2500,
    simulated: false,
    ...overrides,
  };
}

describe('formatRunSummary', () => {
  it('says status, tree, samples, calls per stage and elapsed time, one fact a line', () => {
    const text = formatRunSummary('runs/x', summary());
    expect(text).toBe(
      [
        'run complete: runs/x',
        '  tree: 12 nodes, 3 split, 9 leaves (8 at the depth limit, 1 with no usable criterion), deepest leaf at depth 2, 1 infinite split',
        '  samples: 1,234 from 9/9 leaf calls made',
        '  calls: 21 paid, 2 from cache; tokens: 5,000 prompt (0 prefix-cached), 5,000 completion',
        '    leaf       9 calls, 6,000 tokens',
        '  elapsed: 2.5 s',
        '',
      ].join('\n'),
    );
  });

  it('adds cost, prefix share and the forecast of a tree-only run, and how to continue it', () => {
    const text = formatRunSummary(
      'runs/t',
      summary({
        status: 'tree-built',
        estimate: { leafCalls: 40, samples: 400, promptTokens: 80_000, completionTokens: 60_000 },
      }),
      {
        cost: { total: 0.0123, stages: { pivots: 0.01, leaf: undefined }, warnings: [] },
        prefixShare: { leaf: 0.756 },
        forecastUSD: 1.5,
        resumeWith: 'treesynth run --resume --out runs/t',
      },
    );
    expect(text).not.toContain('  samples:');
    expect(text).toContain('  prompt prefix shared with the previous call of the stage: leaf 76%\n');
    expect(text).toContain('  cost: $0.0123 (pivots $0.0100, leaf $0.0000; prices of the built-in table)\n');
    expect(text).toContain(
      '  stage two would make 40 leaf calls for 400 samples: about 80,000 prompt + 60,000 completion tokens\n  at list prices that is about $1.50\n  continue with: treesynth run --resume --out runs/t\n',
    );
  });

  it('labels a simulated run and leaves out an unknown cost there; a real run says why it is unknown', () => {
    const unknown = { total: undefined, stages: {}, warnings: ['no price for model "x"'] };
    const simulated = formatRunSummary('d', summary({ simulated: true }), { cost: unknown });
    expect(simulated).toMatch(/^run complete \(SIMULATED LLM: .*\): d\n/);
    expect(simulated).not.toContain('cost');
    expect(formatRunSummary('d', summary(), { cost: unknown })).toContain(
      '  cost: unknown (no price for model "x")\n',
    );
  });

  it('tells how to resume a stopped run and retry failed leaf calls, by default with openRun', () => {
    const failed = summary({
      status: 'incomplete',
      error: '2 leaf calls failed',
      leafCalls: { planned: 9, done: 9, failed: 2, deferred: 1 },
    });
    const text = formatRunSummary('runs/f', failed);
    expect(text).toContain('  incomplete: 2 leaf calls failed\n');
    expect(text).toContain(
      '  samples: 1,234 from 7/9 leaf calls made, 2 failed (see events.jsonl), 1 waiting for a batch job\n',
    );
    expect(text).toContain(
      '  retry the 2 failed leaf calls with: openRun({ out: "runs/f", resume: true })\n',
    );
    expect(formatRunSummary('r', summary({ status: 'interrupted' }), { resumeWith: 'again' })).toContain(
      '  resume with: again\n',
    );
  });
});

describe('thousands', () => {
  it('groups digits exactly as toLocaleString en-US does', () => {
    const values = [0, -0, 1, 12, 999, 1000, -1000, 10_000, 123_456, 1_234_567, 118_063_750, -98_765_432];
    values.push(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53, 1e21, 1.5, 1234.5678, -0.25);
    values.push(Number.NaN, Number.POSITIVE_INFINITY);
    for (let digits = 1; digits <= 16; digits++)
      values.push(Number('9'.repeat(digits)), -Number('1'.repeat(digits)));
    for (const value of values) expect(thousands(value), String(value)).toBe(value.toLocaleString('en-US'));
  });
});
