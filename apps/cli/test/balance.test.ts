import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { leafDistribution } from '@treesynth/balance';
import { originalRow, synthesizedRow } from '@treesynth/balance/internal';
import { loadTask, type NodeSplit, PartitionTree, type SerializedTree } from '@treesynth/core';
import { leafCoverage } from '@treesynth/eval';
import { beforeAll, describe, expect, it } from 'vitest';
import { collect, expectOneLineError, runCli, spawnCli } from './cli-harness.js';
import { wordProblemLines } from './word-problems.fixture.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-balance-'));
const data = join(work, 'train.jsonl');
/** 1-based lines of the input that are bad, and why. */
const BAD_LINES = [4, 9, 13];

function readLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function readTree(dir: string): SerializedTree {
  return JSON.parse(readFileSync(join(dir, 'tree', 'tree.json'), 'utf8'));
}

beforeAll(() => {
  // 40 GSM8K-shaped questions with every field kept, and three bad lines among them.
  const source = wordProblemLines(40);
  const lines: string[] = [];
  for (const line of source) {
    while (BAD_LINES.includes(lines.length + 1)) {
      const bad = ['{"question": "unterminated', '{"answer": "#### 4"}', '{"question": 12}'];
      lines.push(bad[BAD_LINES.indexOf(lines.length + 1)]!);
    }
    lines.push(line);
  }
  writeFileSync(data, `${lines.join('\n')}\n`);
});

describe('normalised leaf entropy', () => {
  const split = (values: string[]): NodeSplit => ({
    dimension: 'topic',
    values,
    infinite: false,
    fixed: false,
    pivots: [],
    assignments: [],
    coverageRounds: 0,
    rejections: [],
  });
  const tree = (leaves: number) => {
    const partition = new PartitionTree();
    const children = partition.applySplit(
      partition.root.id,
      split(Array.from({ length: leaves }, (_, index) => `v${index}`)),
    );
    for (const child of children) partition.markLeaf(child.id, 'max-depth');
    return { partition, ids: children.map((child) => child.id) };
  };

  it('is H(counts) / log(leaves), empty leaves included', () => {
    const two = tree(2);
    expect(leafDistribution(two.partition, [two.ids[0]!, two.ids[0]!, two.ids[1]!, two.ids[1]!])).toEqual({
      rows: 4,
      leaves: 2,
      coveredLeaves: 2,
      normalizedEntropy: 1,
      gini: 0,
    });
    expect(leafDistribution(two.partition, [two.ids[0]!, two.ids[0]!]).normalizedEntropy).toBe(0);
    const three = tree(3);
    // Two of three leaves, evenly: ln 2 / ln 3.
    expect(leafDistribution(three.partition, [three.ids[0]!, three.ids[1]!]).normalizedEntropy).toBeCloseTo(
      Math.log(2) / Math.log(3),
      12,
    );
    // Counts 3, 1, 0: −(¾ ln ¾ + ¼ ln ¼) / ln 3.
    const skewed = [three.ids[0]!, three.ids[0]!, three.ids[0]!, three.ids[1]!];
    expect(leafDistribution(three.partition, skewed).normalizedEntropy).toBeCloseTo(
      -(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)) / Math.log(3),
      12,
    );
  });

  it('is undefined (null) without rows', () => {
    const one = tree(2);
    expect(leafDistribution(one.partition, []).normalizedEntropy).toBeNull();
  });
});

describe('balanced rows', () => {
  const path = [{ dimension: 'topic', value: 'algebra' }];

  it("writes a synthesized sample under the input's field, with a run's provenance", () => {
    const record = {
      id: 'nabc.2.1',
      leaf_id: 'nabc',
      path,
      drawn: {},
      call: { index: 2, model: 'm', simulated: true },
      fields: { question: 'How many?' },
    };
    expect(synthesizedRow(record, loadTask('gsm8k'), 'problem')).toEqual({
      problem: 'How many?',
      treesynth: {
        origin: 'synthesized',
        id: 'nabc.2.1',
        leaf_id: 'nabc',
        path,
        drawn: {},
        call: record.call,
      },
    });
  });

  it('keeps every field of an original row and replaces only `treesynth`', () => {
    const row = {
      line: 7,
      text: 'q',
      record: { problem: 'q', answer: '4', meta: { a: 1 }, treesynth: 'old' },
    };
    const route = {
      leafId: 'nabc',
      path,
      similarity: 0.5,
      margin: 0.1,
      decidedBy: 'hybrid' as const,
      levels: [],
    };
    expect(originalRow(row, route)).toEqual({
      problem: 'q',
      answer: '4',
      meta: { a: 1 },
      treesynth: {
        origin: 'original',
        line: 7,
        leaf_id: 'nabc',
        path,
        similarity: 0.5,
        margin: 0.1,
        routed_by: 'hybrid',
      },
    });
  });
});

describe('treesynth balance', () => {
  const out = join(work, 'balanced');
  const args = ['balance', '--data', data, '--field', 'question', '--task', 'gsm8k', '--depth', '2'];
  let first: { code: number | null; stdout: string; stderr: string };
  let inputBefore: Buffer;

  beforeAll(async () => {
    inputBefore = readFileSync(data);
    first = await runCli([...args, '--out', out, '--json', '--quiet']);
  }, 180_000);

  it('balances on the simulator: bad rows named by line, the input untouched, entropy up', () => {
    expect(first.code, first.stderr).toBe(0);
    expect(readFileSync(data).equals(inputBefore)).toBe(true);
    expect(first.stderr).toMatch(
      /3 bad rows left out \(line 4: not valid JSON; line 9: no "question" field; line 13: /,
    );
    const summary = JSON.parse(first.stdout);
    expect(summary.data).toMatchObject({ rows: 43, bad: 3, badLines: BAD_LINES });
    expect(summary.simulated).toBe(true);
    expect(readdirSync(out).sort()).toEqual(
      ['balance.json', 'balanced.jsonl', 'cache', 'plan.json', 'report.html', 'routes.jsonl', 'tree'].sort(),
    );

    // Entropy measured here from the files, not taken from the summary.
    const tree = readTree(out);
    const routes = readLines(join(out, 'routes.jsonl'));
    const balanced = readLines(join(out, 'balanced.jsonl'));
    const routedLeaves = routes.flatMap((route) => (route.leaf_id ? [route.leaf_id as string] : []));
    const balancedLeaves = balanced.map((row) => (row.treesynth as { leaf_id: string }).leaf_id);
    const before = leafCoverage(tree, routedLeaves);
    const after = leafCoverage(tree, balancedLeaves);
    expect(before.unknownLeafSamples).toBe(0);
    expect(after.unknownLeafSamples).toBe(0);
    expect(after.normalizedEntropy).toBeGreaterThan(before.normalizedEntropy);
    expect(after.coveredLeaves).toBeGreaterThanOrEqual(before.coveredLeaves);
    expect(summary.after.normalizedEntropy).toBeCloseTo(after.normalizedEntropy, 12);
  });

  it('writes one route per input line and a plan that lists the bad rows', () => {
    const routes = readLines(join(out, 'routes.jsonl'));
    expect(routes.map((route) => route.line)).toEqual(Array.from({ length: 43 }, (_, index) => index + 1));
    for (const line of BAD_LINES) {
      expect(routes[line - 1]).toMatchObject({ leaf_id: null, kept: false });
      expect(routes[line - 1]!.unrouted).toMatch(/^bad row: /);
    }
    const plan = JSON.parse(readFileSync(join(out, 'plan.json'), 'utf8'));
    expect(plan.badRows.map((row: { line: number }) => row.line)).toEqual(BAD_LINES);
    expect(plan.router.kind).toBe('embedding');
    expect(plan.router.stats.samples).toBe(40);
    const leaves = plan.leaves as Array<{
      current: number;
      target: number;
      drop: number;
      synthesize: number;
    }>;
    expect(leaves.reduce((sum, leaf) => sum + leaf.current, 0)).toBe(40);
    for (const leaf of leaves) {
      expect(leaf.drop).toBe(Math.max(0, leaf.current - leaf.target));
      expect(leaf.synthesize).toBe(Math.max(0, leaf.target - leaf.current));
    }
  });

  it('keeps every original field and adds provenance to original and synthesized rows', () => {
    const input = readFileSync(data, 'utf8').split('\n');
    const balanced = readLines(join(out, 'balanced.jsonl'));
    const originals = balanced.filter((row) => (row.treesynth as { origin: string }).origin === 'original');
    const synthesized = balanced.filter(
      (row) => (row.treesynth as { origin: string }).origin === 'synthesized',
    );
    expect(originals.length).toBeGreaterThan(0);
    expect(synthesized.length).toBeGreaterThan(0);
    for (const row of originals) {
      const { treesynth, ...fields } = row as { treesynth: { line: number; path: unknown[] } };
      expect(fields).toEqual(JSON.parse(input[treesynth.line - 1]!));
      expect(Object.keys(fields).sort()).toEqual(['answer', 'question']);
      expect(Array.isArray(treesynth.path)).toBe(true);
    }
    const leafIds = new Set(
      readTree(out)
        .nodes.filter((node) => node.status === 'leaf')
        .map((node) => node.id),
    );
    for (const row of synthesized) {
      expect(typeof row.question).toBe('string');
      expect(row.treesynth).toMatchObject({
        origin: 'synthesized',
        id: expect.stringMatching(/^n[0-9a-f]{12}\.\d+\.\d+$/),
        leaf_id: expect.any(String),
        path: expect.any(Array),
        drawn: expect.any(Object),
        call: { index: expect.any(Number), model: 'treesynth-sim', simulated: true },
      });
      expect(leafIds.has((row.treesynth as { leaf_id: string }).leaf_id)).toBe(true);
    }
    expect(new Set(synthesized.map((row) => (row.treesynth as { id: string }).id)).size).toBe(
      synthesized.length,
    );
  });

  it('reruns the same command on the same folder without paying for a call again', async () => {
    const balancedBefore = readFileSync(join(out, 'balanced.jsonl'));
    const again = await runCli([...args, '--out', out, '--json', '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    const summary = JSON.parse(again.stdout);
    expect(summary.usage.total.calls).toBe(0);
    expect(summary.usage.total.cachedCalls).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'balanced.jsonl')).equals(balancedBefore)).toBe(true);
  }, 120_000);

  it('with --dry-run writes the plan and routes only', async () => {
    const dry = join(work, 'dry');
    const result = await runCli([
      'balance',
      '--data',
      data,
      '--field',
      'question',
      '--tree',
      join(out, 'tree'),
      '--target',
      'paper',
      '--dry-run',
      '--out',
      dry,
      '--quiet',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/dry run/);
    expect(readdirSync(dry).sort()).toEqual(['balance.json', 'plan.json', 'routes.jsonl']);
    const plan = JSON.parse(readFileSync(join(dry, 'plan.json'), 'utf8'));
    expect(plan.dryRun).toBe(true);
    expect(plan.target).toEqual({ kind: 'paper', total: 40 });
    expect(readLines(join(dry, 'routes.jsonl'))).toHaveLength(43);
    expect(readFileSync(data).equals(inputBefore)).toBe(true);
  }, 120_000);

  it("--self-training naive-bayes-em routes by the rows' words and records the mode; a rerun without it is refused", async () => {
    const learned = join(work, 'learned');
    const base = ['balance', '--data', data, '--field', 'question', '--tree', join(out, 'tree'), '--dry-run'];
    const result = await runCli([...base, '--self-training', 'naive-bayes-em', '--out', learned, '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(readFileSync(join(learned, 'plan.json'), 'utf8'));
    expect(plan.router).toMatchObject({ kind: 'embedding', selfTraining: 'naive-bayes-em' });
    const manifest = JSON.parse(readFileSync(join(learned, 'balance.json'), 'utf8'));
    expect(manifest.inputs.selfTraining).toBe('naive-bayes-em');
    // Every good row is routed, each to a leaf of the plan.
    const leaves = new Set((plan.leaves as Array<{ leafId: string }>).map((leaf) => leaf.leafId));
    const routes = readLines(join(learned, 'routes.jsonl'));
    expect(routes).toHaveLength(43);
    const routed = routes.filter((route) => typeof route.leaf_id === 'string');
    expect(routed).toHaveLength(40);
    for (const route of routed) expect(leaves.has(route.leaf_id as string)).toBe(true);
    expectOneLineError(
      await runCli([...base, '--out', learned]),
      /holds a balance of other inputs \(selfTraining was "naive-bayes-em" there/,
    );
    expectOneLineError(
      await runCli([...base, '--self-training', 'magic', '--out', join(work, 'magic')]),
      /--self-training: unknown mode "magic"; use hard-em, soft-em, label-spreading, naive-bayes-em/,
    );
    expectOneLineError(
      await runCli([...base, '--router', 'llm', '--self-training', 'soft-em', '--out', join(work, 'magic')]),
      /--self-training: the llm router does not learn from the rows/,
    );
    expect(existsSync(join(work, 'magic'))).toBe(false);
  }, 120_000);

  it('refuses an --out that holds something else, or a balance of other inputs', async () => {
    const foreign = join(work, 'foreign');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'mine');
    const base = ['balance', '--data', data, '--field', 'question', '--tree', join(out, 'tree'), '--dry-run'];
    expectOneLineError(
      await runCli([...base, '--out', foreign]),
      /foreign: is not empty and holds no balance/,
    );
    expectOneLineError(
      await runCli([...base, '--out', join(work, 'dry'), '--router', 'llm']),
      /holds a balance of other inputs \(router was "embedding" there and is "llm" now\)/,
    );
  }, 120_000);
});

describe('treesynth balance after a kill', () => {
  it('finishes on a rerun with the dataset an uninterrupted balance gives', async () => {
    const rows = join(work, 'kill.jsonl');
    writeFileSync(rows, `${wordProblemLines(300, 1).join('\n')}\n`);
    const args = (out: string) => [
      'balance',
      '--data',
      rows,
      '--field',
      'question',
      '--tree',
      join(work, 'balanced', 'tree'),
      '--router',
      'llm',
      '--out',
      out,
    ];
    const whole = await runCli([...args(join(work, 'kill-whole')), '--quiet']);
    expect(whole.code, whole.stderr).toBe(0);

    // SIGKILL as soon as routing reports progress (or later, should it finish first: any moment will do).
    const killedOut = join(work, 'kill-killed');
    const child = spawnCli(args(killedOut));
    child.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('routing:')) child.kill('SIGKILL');
    });
    await collect(child);
    const rerun = await runCli([...args(killedOut), '--quiet']);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(readFileSync(join(killedOut, 'balanced.jsonl'), 'utf8')).toBe(
      readFileSync(join(work, 'kill-whole', 'balanced.jsonl'), 'utf8'),
    );
    expect(JSON.parse(readFileSync(join(killedOut, 'balance.json'), 'utf8')).status).toBe('complete');
  }, 180_000);
});

describe('treesynth balance input errors', () => {
  const out = join(work, 'never');
  const withField = ['balance', '--data', data, '--field', 'question'];

  it('names a missing --field', async () => {
    expectOneLineError(
      await runCli(['balance', '--data', data, '--task', 'gsm8k', '--out', out]),
      /--field: which field/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('names an unknown router', async () => {
    expectOneLineError(
      await runCli([...withField, '--task', 'gsm8k', '--router', 'fast', '--out', out]),
      /--router: unknown router "fast"; use embedding, llm, hybrid/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('names a tree file that is not a tree', async () => {
    const notATree = join(work, 'not-a-tree.json');
    writeFileSync(notATree, '{"hello": 1}');
    expectOneLineError(
      await runCli([...withField, '--tree', notATree, '--task', 'gsm8k', '--out', out]),
      /not-a-tree\.json: not a tree\.json/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('names the key of a target file that matches no leaf', async () => {
    const targets = join(work, 'targets.json');
    writeFileSync(targets, JSON.stringify({ 'size: enormous': 3 }));
    expectOneLineError(
      await runCli([
        ...withField,
        '--tree',
        join(work, 'balanced', 'tree'),
        '--target',
        targets,
        '--dry-run',
        '--out',
        join(work, 'targets-out'),
        '--quiet',
      ]).then((result) => ({ ...result, stderr: result.stderr.replace(/^warning: .*\n/m, '') })),
      /targets\.json: "size: enormous": no leaf of the tree has this id or path/,
    );
  });

  it('shows help with examples', async () => {
    const result = await runCli(['balance', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: treesynth balance --data/);
    expect(result.stdout).toMatch(/Examples:\n {2}treesynth balance /);
    for (const flag of [
      '--router',
      '--target',
      '--dry-run',
      '--embedder',
      '--max-synthesized',
      '--model',
      '--base-url',
    ])
      expect(result.stdout).toContain(flag);
  });
});
