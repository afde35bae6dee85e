import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChatModel, ConfigError, RunStoreError, wrapChatModel } from '@treesynth/core';
import { cacheMiddleware, createEmbedder, createOpenAICompatible } from '@treesynth/providers';
import { type Simulator, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BalanceResult, balanceDataset } from './balance-dataset.js';
import type { BalanceOptions, ModelSource } from './balance-options.js';
import { readBalanceManifest } from './output/balance-manifest.js';
import type { BalanceReportInput } from './output/balance-report-input.js';
import { readPlanFile } from './output/plan-file.js';

const TOPICS = [
  (n: number) => `Mia buys ${n} apples at 3 dollars each. How much does she spend?`,
  (n: number) => `A train travels ${n} miles in 2 hours. What is its average speed?`,
  (n: number) => `A rectangle is ${n} cm long and 4 cm wide. What is its area?`,
];

const work = mkdtempSync(join(tmpdir(), 'treesynth-balance-dataset-'));
const data = join(work, 'train.jsonl');
const out = join(work, 'balanced');
let simulator: Simulator;
/** Chat requests that reached the simulator (the response cache answers the rest). */
let requests = 0;
const reports: BalanceReportInput[] = [];

/** The simulator behind a response cache in the folder balance names: what the CLI's model stack does. */
const model: ModelSource<ChatModel> = {
  id: 'treesynth-sim',
  simulated: true,
  create: ({ cacheDir }) =>
    wrapChatModel({
      model: createOpenAICompatible({ baseURL: simulator.url }).chat('treesynth-sim'),
      middleware: cacheDir ? [cacheMiddleware({ dir: cacheDir })] : [],
    }),
};

function options(overrides: Partial<BalanceOptions> = {}): BalanceOptions {
  return {
    data,
    field: 'question',
    task: 'gsm8k',
    depth: 2,
    out,
    model,
    embedder: createEmbedder('hashing'),
    seed: 0,
    writeReport: async (file, input) => {
      reports.push(input);
      writeFileSync(file, `<html>${input.after.rows} rows</html>`);
    },
    ...overrides,
  };
}

function readLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

beforeAll(async () => {
  simulator = await startSimulator({ seed: 0, onRequest: () => requests++ });
  // Skewed on purpose: most rows are about shopping. Line 5 is not JSON.
  const lines = Array.from({ length: 30 }, (_, index) =>
    JSON.stringify({ question: TOPICS[index % 5 === 0 ? 1 + (index % 2) : 0]!(index + 2), id: index }),
  );
  lines.splice(4, 0, '{"question": "unterminated');
  writeFileSync(data, `${lines.join('\n')}\n`);
});

afterAll(async () => {
  await simulator.close();
  rmSync(work, { recursive: true, force: true });
});

describe('balanceDataset', () => {
  let first: BalanceResult;

  beforeAll(async () => {
    first = await balanceDataset(options());
  }, 120_000);

  it('builds the tree, routes, plans, synthesizes and writes the balance folder', () => {
    expect(requests).toBeGreaterThan(0);
    expect(readdirSync(out).sort()).toEqual(
      ['balance.json', 'balanced.jsonl', 'cache', 'plan.json', 'report.html', 'routes.jsonl', 'tree'].sort(),
    );
    expect(first.files).toEqual(['balanced.jsonl', 'plan.json', 'routes.jsonl', 'report.html']);
    expect(first.data).toEqual({ file: data, rows: 31, bad: 1, badLines: [5] });
    expect(first.simulated).toBe(true);
    expect(readBalanceManifest(out)).toMatchObject({ status: 'complete', dryRun: false });

    const routes = readLines(join(out, 'routes.jsonl'));
    expect(routes.map((route) => route.line)).toEqual(Array.from({ length: 31 }, (_, index) => index + 1));
    expect(routes[4]).toMatchObject({ leaf_id: null, kept: false, unrouted: 'bad row: not valid JSON' });

    const balanced = readLines(join(out, 'balanced.jsonl'));
    const origins = balanced.map((row) => (row.treesynth as { origin: string }).origin);
    expect(origins.filter((origin) => origin === 'original')).toHaveLength(first.totals.kept!);
    expect(origins.filter((origin) => origin === 'synthesized')).toHaveLength(first.totals.synthesized!);
    expect(balanced).toHaveLength(first.totals.out!);
    expect(first.totals.synthesized).toBeGreaterThan(0);
    expect(first.after.normalizedEntropy!).toBeGreaterThan(first.before.normalizedEntropy!);
  });

  it('writes a plan.json that reads back through its schema and matches the result', () => {
    const plan = readPlanFile(join(out, 'plan.json'));
    expect(plan.dryRun).toBe(false);
    expect(plan.totals.out).toBe(first.totals.out);
    expect(plan.after).toEqual(first.after);
    expect(plan.before).toEqual(first.before);
    expect(plan.badRows).toEqual([{ line: 5, reason: 'not valid JSON' }]);
    expect(plan.leaves.reduce((sum, leaf) => sum + leaf.current, 0)).toBe(30);
  });

  it('hands the report input to writeReport', () => {
    expect(reports).toHaveLength(1);
    expect(reports[0]!.afterLeafIds).toHaveLength(first.totals.out!);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe(`<html>${first.after.rows} rows</html>`);
  });

  it('reruns in the same folder without paying for a call twice, with the same rows', async () => {
    const balancedBefore = readFileSync(join(out, 'balanced.jsonl'));
    const before = requests;
    const again = await balanceDataset(options());
    expect(requests).toBe(before);
    expect(again.usage!.total.calls).toBe(0);
    expect(again.usage!.total.cachedCalls).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'balanced.jsonl')).equals(balancedBefore)).toBe(true);
  }, 120_000);

  it('plans without synthesizing in a dry run on a loaded tree', async () => {
    const dry = join(work, 'dry');
    const result = await balanceDataset(
      options({ task: undefined, tree: join(out, 'tree'), target: 'paper', dryRun: true, out: dry }),
    );
    expect(result.usage).toBeUndefined();
    expect(readdirSync(dry).sort()).toEqual(['balance.json', 'plan.json', 'routes.jsonl']);
    expect(readPlanFile(join(dry, 'plan.json'))).toMatchObject({ dryRun: true, target: { kind: 'paper' } });
    expect(readBalanceManifest(dry).status).toBe('planned');
  }, 120_000);

  it('refuses a folder that holds a balance of other inputs, naming the input', async () => {
    const refused = balanceDataset(options({ router: 'llm' }));
    await expect(refused).rejects.toBeInstanceOf(RunStoreError);
    await expect(refused).rejects.toThrow(/router was "embedding" there and is "llm" now/);
  });

  it('names the option, not a CLI flag, in bad-input errors, and touches nothing', async () => {
    const never = join(work, 'never');
    const missing = balanceDataset(options({ field: undefined as unknown as string, out: never }));
    await expect(missing).rejects.toBeInstanceOf(ConfigError);
    await expect(missing).rejects.toMatchObject({ path: 'field' });
    await expect(balanceDataset(options({ router: 'fast', out: never }))).rejects.toThrow(
      /^router: unknown router "fast"; use embedding, llm, hybrid$/,
    );
    expect(existsSync(never)).toBe(false);
  });
});
