import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collect,
  countLines,
  expectOneLineError,
  ROOT,
  runCli,
  spawnCli,
  startSimCli,
  waitFor,
} from './cli-harness.js';

/** What a record says about a problem, without `cached` (which differs between a fresh run and a resume). */
function results(dir: string, benchmark: string): Map<string, unknown> {
  const lines = readFileSync(join(dir, `${benchmark}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean);
  const rows = lines.map((line) => JSON.parse(line) as { id: string; cached?: unknown });
  expect(new Set(rows.map((row) => row.id)).size, `${benchmark}: one record per problem`).toBe(rows.length);
  return new Map(rows.map(({ cached: _cached, ...row }) => [row.id, row]));
}

describe('treesynth bench', () => {
  const work = mkdtempSync(join(tmpdir(), 'treesynth-bench-'));
  /** Request keys by phase, as the simulator saw them. */
  const requests: string[][] = [[]];
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  const CONCURRENCY = 4;
  const args = (out: string) => [
    'bench',
    '--model',
    'sim',
    '--base-url',
    simulator.url,
    '--benchmarks',
    'gsm8k,math',
    '--max-problems',
    '40',
    '--samples',
    '3',
    '--k',
    '1,3',
    '--concurrency',
    String(CONCURRENCY),
    '--out',
    out,
    '--quiet',
  ];

  beforeAll(async () => {
    simulator = await startSimulator({
      seed: 2,
      latencyMs: { min: 10, max: 40 },
      onRequest: (record) => requests.at(-1)!.push(record.requestKey),
    });
    const reference = await runCli(args(join(work, 'reference')));
    expect(reference.code, reference.stderr).toBe(0);
  }, 120_000);
  afterAll(() => simulator?.close());

  it('resumes a run killed with SIGKILL to the same per-problem results, paying only for calls in flight', async () => {
    const paidForReference = requests[0]!.length;
    expect(paidForReference).toBe(2 * 40 * 3);
    requests.push([]);
    const dir = join(work, 'killed');
    const child = spawnCli(args(dir));
    const done = collect(child);
    await waitFor(() => countLines(join(dir, 'gsm8k.jsonl')) >= 15 || child.exitCode !== null);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const resumed = await runCli(args(dir));
    expect(resumed.code, resumed.stderr).toBe(0);
    for (const benchmark of ['gsm8k', 'math']) {
      expect(results(dir, benchmark), benchmark).toEqual(results(join(work, 'reference'), benchmark));
    }
    // Only the calls in flight at the kill may be asked twice; every other answer came from the
    // records or the response cache.
    const keys = requests[1]!;
    expect(keys.length).toBeLessThanOrEqual(paidForReference + CONCURRENCY);
    expect(keys.length - new Set(keys).size).toBeLessThanOrEqual(CONCURRENCY);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toBe(
      readFileSync(join(work, 'reference', 'summary.md'), 'utf8'),
    );
  }, 120_000);

  it('compare prints result folders side by side, as a table or JSON', async () => {
    const table = await runCli(['bench', 'compare', join(work, 'reference'), join(work, 'killed')]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain('| Model | GSM8K (strict / flexible) | MATH | Avg |');
    expect(table.stdout).toMatch(/\| sim \(reference\) \| [\d.]+ \/ [\d.]+ \| [\d.]+ \| [\d.]+ \|/);
    expect(table.stdout).toContain('### pass@3');
    const json = await runCli(['bench', 'compare', join(work, 'reference'), join(work, 'killed'), '--json']);
    const rows = JSON.parse(json.stdout) as { label: string; summary: { k: number[] } }[];
    expect(rows.map((row) => row.label)).toEqual(['sim (reference)', 'sim (killed)']);
    expect(rows[0]!.summary.k).toEqual([1, 3]);
  });

  it('bad input is one line naming the flag or folder, exit 2, and leaves results intact', async () => {
    const reference = join(work, 'reference');
    const before = readFileSync(join(reference, 'gsm8k.jsonl'), 'utf8');
    const base = ['bench', '--model', 'sim', '--base-url', simulator.url, '--quiet'];
    expectOneLineError(
      await runCli([...base, '--benchmarks', 'gsm8k,gsm9k', '--out', join(work, 'x')]),
      /--benchmarks: "gsm9k" is not a benchmark/,
    );
    expectOneLineError(
      await runCli(['bench', 'compare', reference, join(work, 'missing')]),
      /missing: no such result folder/,
    );
    expectOneLineError(
      await runCli([...args(reference), '--shots', '3']),
      /--out: .* holds results made with shots 0 for gsm8k \(now 3\)/,
    );
    expect(readFileSync(join(reference, 'gsm8k.jsonl'), 'utf8')).toBe(before);
  });

  it('keeps keys out of every file and line, and asks the sanitized MBPP set with --sanitized', async () => {
    const dir = join(work, 'secret');
    const result = await runCli(
      [
        'bench',
        '--model',
        'sim',
        '--base-url',
        `${simulator.url}?api-key=sk-query-secret`,
        '--benchmarks',
        'mbpp',
        '--sanitized',
        '--max-problems',
        '4',
        '--out',
        dir,
      ],
      { OPENAI_API_KEY: 'sk-env-secret' },
    );
    expect(result.code, result.stderr).toBe(0);
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) =>
      entry.isFile(),
    );
    expect(files.length).toBeGreaterThan(5);
    for (const text of [
      result.stdout,
      result.stderr,
      ...files.map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8')),
    ]) {
      expect(text).not.toMatch(/sk-(query|env)-secret/);
    }
    const manifest = JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8'));
    expect(manifest.baseURL).toBe(`${simulator.url}?api-key=***`);
    expect(manifest.settings.sanitized).toBe(true);
    // The sanitized release words the tasks its own way; the prompts carry that wording.
    const sanitized = JSON.parse(
      readFileSync(join(ROOT, 'packages/eval/data/mbpp/sanitized-mbpp.json'), 'utf8'),
    );
    const rows = [...results(dir, 'mbpp').values()] as { id: string; prompt: { content: string }[] }[];
    for (const row of rows) {
      const task = sanitized.find((item: { task_id: number }) => `mbpp/${item.task_id}` === row.id);
      expect(row.prompt.at(-1)!.content).toContain(task.prompt);
    }
  });

  it('prints the table of the worked example in docs/bench.md, against `treesynth sim`', async () => {
    const doc = readFileSync(join(ROOT, 'docs/bench.md'), 'utf8');
    const example = doc.slice(doc.indexOf('## Worked example'));
    const command = /```bash\n(?:.*\n)*?treesynth (bench .*)\n/.exec(example)?.[1];
    const expected = /```text\n([\s\S]*?)```/.exec(example)?.[1];
    expect(command).toBeDefined();
    expect(expected).toBeDefined();
    // The documented simulator, as its own process: `treesynth sim` with its defaults, on a free port.
    const { url, stop } = await startSimCli();
    try {
      const args = command!
        .split(/\s+/)
        .map((arg) =>
          arg === 'http://127.0.0.1:8787/v1' ? url : arg === 'bench/sim' ? join(work, 'doc') : arg,
        );
      const result = await runCli(args);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(expected);
    } finally {
      stop();
    }
  }, 120_000);
});
