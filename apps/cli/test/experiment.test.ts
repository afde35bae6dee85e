import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, expectOneLineError, runCli, spawnCli, waitFor } from './cli-harness.js';

/**
 * `treesynth experiment` of a small GSM8K config (4 methods, 500 rows each) against the simulator, as
 * child processes: it finishes; killed with SIGKILL mid-way and run again with the same command it ends
 * with the same datasets, exports, diversity table and report as an uninterrupted experiment; the
 * report shows the four methods and the diversity row, and says the data is simulated. Nothing here
 * compares the methods: their data is simulated.
 */
const CONFIG = 'apps/cli/test/fixtures/experiment-gsm8k-small.json';
const METHODS = ['treesynth', 'temperature', 'evol', 'persona'];
const work = mkdtempSync(join(tmpdir(), 'treesynth-experiment-'));
let simulator: Awaited<ReturnType<typeof startSimulator>>;

const args = (out: string) => [
  'experiment',
  CONFIG,
  '--model',
  'sim',
  '--base-url',
  simulator.url,
  '--out',
  out,
  '--max-points',
  '400',
  '--quiet',
];

/** Every file an experiment's result is made of (run logs, caches and timings left out). */
function outputs(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const createdAt = (JSON.parse(readFileSync(join(dir, 'experiment.json'), 'utf8')) as { createdAt: string })
    .createdAt;
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const name = relative(dir, path);
      if (entry.isDirectory()) {
        if (!/^runs\/[a-z]+\/(cache|curation)$/.test(name)) walk(path);
        continue;
      }
      const kept =
        !name.startsWith('runs/') ||
        /^runs\/[a-z]+\/(samples|curated|removed)\.jsonl$|^runs\/[a-z]+\/tree\.json$/.test(name);
      // The start time is the experiment's own (it dates the report), export.json names the folder, and
      // samples.jsonl is in the order calls finished (its rows by id are what must match).
      if (!kept) continue;
      const text = readFileSync(path, 'utf8').replaceAll(createdAt, '<createdAt>').replaceAll(dir, '<dir>');
      files.set(name, name.endsWith('samples.jsonl') ? text.split('\n').sort().join('\n') : text);
    }
  };
  walk(dir);
  return files;
}

beforeAll(async () => {
  simulator = await startSimulator({ seed: 11 });
});

afterAll(async () => {
  await simulator?.close();
});

describe('treesynth experiment (simulated LLM)', () => {
  const reference = join(work, 'reference');
  const killed = join(work, 'killed');
  let first: Awaited<ReturnType<typeof runCli>>;

  it('runs the four methods, and kill -9 (mid-run, mid-report) then the same command ends with identical outputs', async () => {
    // The uninterrupted experiment and the one to be killed run side by side on one simulator.
    const uninterrupted = runCli(args(reference));
    const victim = spawnCli(args(killed));
    const done = collect(victim);
    await waitFor(() => existsSync(join(killed, 'runs/evol/samples.jsonl')), 120_000);
    victim.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    const state = JSON.parse(readFileSync(join(killed, 'experiment.json'), 'utf8'));
    expect(state.report).toBeUndefined();
    // Killed again while it draws the report (after the exports, before experiment.json records it).
    const again = spawnCli(args(killed));
    const stopped = collect(again);
    await waitFor(() => existsSync(join(killed, 'export/persona/train.jsonl')), 120_000);
    again.kill('SIGKILL');
    expect((await stopped).signal).toBe('SIGKILL');
    expect(JSON.parse(readFileSync(join(killed, 'experiment.json'), 'utf8')).report).toBeUndefined();
    first = await uninterrupted;
    expect(first.code, first.stderr).toBe(0);
    const resumed = await runCli(args(killed));
    expect(resumed.code, resumed.stderr).toBe(0);

    const want = outputs(reference);
    const got = outputs(killed);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const method of METHODS) {
      expect(want.has(`runs/${method}/samples.jsonl`)).toBe(true);
      expect(want.has(`export/${method}/dataset_info.json`)).toBe(true);
    }
    for (const [name, text] of want) expect(got.get(name), name).toBe(text);
  }, 240_000);

  it('made 500 rows per method, curated and exported every one, and measured all at one size', () => {
    const state = JSON.parse(readFileSync(join(reference, 'experiment.json'), 'utf8'));
    expect(state.methods.map((method: { name: string }) => method.name)).toEqual(METHODS);
    for (const method of state.methods) {
      expect(method.run).toEqual({ status: 'complete', rows: 500 });
      const curated = readFileSync(join(reference, method.dir, 'curated.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(method.curate.rows).toBe(curated.length);
      const exported = readFileSync(join(reference, method.export.out, 'train.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(exported.length).toBe(curated.length);
    }
    const smallest = Math.min(
      ...state.methods.map((method: { curate: { rows: number } }) => method.curate.rows),
    );
    expect(state.report).toEqual({ file: 'report.html', rowsPerMethod: smallest, simulated: true });
    const table = JSON.parse(readFileSync(join(reference, 'diversity.json'), 'utf8'));
    expect(table.columns).toEqual(METHODS);
    expect(table.rows.find((row: { id: string }) => row.id === 'samples').values).toEqual(
      METHODS.map(() => smallest),
    );
    const cosine = table.rows.find((row: { id: string }) => row.id === 'meanCosine');
    for (const value of cosine.values) expect(value).toBeGreaterThan(0);
  });

  it('the report shows the four methods and the diversity row, and says the data is simulated', () => {
    const html = readFileSync(join(reference, 'report.html'), 'utf8');
    for (const method of METHODS) expect(html).toContain(method);
    expect(html).toContain('mean pairwise cosine');
    expect(html).toContain('[simulated] Experiment gsm8k-small: treesynth vs temperature vs evol vs persona');
    expect(html).toContain('they say nothing about the methods');
    expect(first.stdout).toMatch(/^experiment gsm8k-small in .*: complete \(SIMULATED DATA/);
    expect(first.stdout).toMatch(/mean pairwise cosine ↓( +\d\.\d{4}){4}/);
  });

  it('a rerun of a finished experiment redoes nothing and tables bench folders by method', async () => {
    const before = simulator.stats().total;
    const bench = await Promise.all(
      ['treesynth', 'persona'].map(async (method) => {
        const dir = join(work, 'bench', method);
        const result = await runCli([
          'bench',
          '--model',
          `llama-${method}`,
          '--base-url',
          simulator.url,
          '--benchmarks',
          'gsm8k',
          '--max-problems',
          '4',
          '--out',
          dir,
          '--quiet',
        ]);
        expect(result.code, result.stderr).toBe(0);
        return dir;
      }),
    );
    const benchCalls = simulator.stats().total - before;
    const rerun = await runCli([...args(reference), '--bench', ...bench]);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(simulator.stats().total - before).toBe(benchCalls);
    expect(rerun.stdout).toMatch(/benchmarks of the models fine-tuned/);
    expect(rerun.stdout).toMatch(/\| treesynth +\|/);
    expect(rerun.stdout).toMatch(/\| persona +\|/);
  });

  it('refuses a config without an experiment block, and a resume with another model, in one line', async () => {
    const plain = await runCli([
      'experiment',
      'benchmarks/paper/README.md',
      '--model',
      'sim',
      '--out',
      join(work, 'x'),
    ]);
    expectOneLineError(plain, /README\.md/);
    const other = await runCli([...args(reference), '--model', 'other']);
    expectOneLineError(other, /--model: the experiment in .* was started with sim, not other/);
  });
});
