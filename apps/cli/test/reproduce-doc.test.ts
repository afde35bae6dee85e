import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { collect, ROOT } from './cli-harness.js';

/**
 * docs/reproduce.md, walked through as far as a machine without a GPU goes: every `bash test` block
 * runs as written, against `treesynth sim` in place of vLLM (its URL for 127.0.0.1:8000 and :8001)
 * and at a small size (`--data-size 40`, `--max-problems 2`), from a folder laid out as the page says
 * (the config under benchmarks/paper/, seeds in data/gsm8k/train.jsonl). The bench block runs once per
 * method, as the page says to repeat it. The LLaMA-Factory config must name the export's files.
 */
const DOC = readFileSync(join(ROOT, 'docs/reproduce.md'), 'utf8');
const METHODS = ['treesynth', 'temperature', 'evol', 'persona'];
const work = mkdtempSync(join(tmpdir(), 'treesynth-reproduce-'));
let simulator: Awaited<ReturnType<typeof startSimulator>>;

/** The fenced blocks whose info string is `info`, their commands joined across `\` line ends. */
function blocks(info: string): string[][] {
  const found = [...DOC.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)].filter((match) => match[1] === info);
  return found.map((match) =>
    match[2]!
      .replace(/\\\n\s*/g, ' ')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0 && !line.startsWith('#')),
  );
}

/** A doc command as the test runs it: the simulator for vLLM, a small size. */
function substitute(command: string): string[] {
  const words = command.replaceAll(/http:\/\/127\.0\.0\.1:800[01]\/v1/g, simulator.url).split(/\s+/);
  expect(words[0]).toBe('treesynth');
  const extra =
    words[1] === 'experiment' ? ['--data-size', '40', '--max-points', '100'] : ['--max-problems', '2'];
  return [...words.slice(1), ...extra, '--quiet'];
}

function treesynth(args: string[]) {
  const bundle = inject('cliBundle');
  const cli = bundle
    ? [bundle]
    : ['--conditions=@treesynth/source', '--import', 'tsx', join(ROOT, 'apps/cli/src/main.ts')];
  return collect(
    spawn(process.execPath, [...cli, ...args], {
      cwd: work,
      env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
}

beforeAll(async () => {
  simulator = await startSimulator({ seed: 5 });
  mkdirSync(join(work, 'benchmarks/paper'), { recursive: true });
  cpSync(join(ROOT, 'benchmarks/paper/gsm8k.json'), join(work, 'benchmarks/paper/gsm8k.json'));
  mkdirSync(join(work, 'data/gsm8k'), { recursive: true });
  cpSync(join(ROOT, 'apps/cli/test/fixtures/gsm8k-seeds.jsonl'), join(work, 'data/gsm8k/train.jsonl'));
});

afterAll(async () => {
  await simulator?.close();
});

describe('docs/reproduce.md against the simulator', () => {
  const tested = blocks('bash test');

  it('has the three testable steps: experiment, bench, the table', () => {
    expect(tested.map((block) => block.map((line) => line.split(' ')[1]))).toEqual([
      ['experiment'],
      ['bench'],
      ['experiment'],
    ]);
    expect(DOC).toMatch(/^vllm serve \S+ --served-model-name generator --port 8000/m);
    expect(DOC).toMatch(/^llamafactory-cli train gsm8k-treesynth\.yaml$/m);
  });

  it('runs every step and prints the table by method', async () => {
    const [[experiment], [bench], [table]] = tested as [[string], [string], [string]];
    const made = await treesynth(substitute(experiment));
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/complete \(SIMULATED DATA/);
    for (const method of METHODS) {
      const scored = await treesynth(
        substitute(bench.replaceAll('treesynth', method).replace(/^\S+/, 'treesynth')),
      );
      expect(scored.code, scored.stderr).toBe(0);
    }
    const printed = await treesynth(substitute(table));
    expect(printed.code, printed.stderr).toBe(0);
    for (const method of METHODS) expect(printed.stdout).toMatch(new RegExp(`\\| ${method} +\\|`));
    expect(printed.stdout).toContain('mean pairwise cosine');
  }, 180_000);

  it('the LLaMA-Factory config names the export folder and its dataset_info.json entry', () => {
    const [yaml] = [...DOC.matchAll(/^```yaml file=gsm8k-treesynth\.yaml\n([\s\S]*?)^```$/gm)].map(
      (match) => match[1]!,
    );
    const field = (name: string) => new RegExp(`^${name}: (.+)$`, 'm').exec(yaml ?? '')?.[1];
    const dir = field('dataset_dir')!.replace('/path/to/treesynth', work);
    const info = JSON.parse(readFileSync(join(dir, 'dataset_info.json'), 'utf8'));
    const entry = info[field('dataset')!];
    expect(entry, `dataset ${field('dataset')} in ${Object.keys(info)}`).toBeDefined();
    expect(existsSync(join(dir, entry.file_name))).toBe(true);
    expect(entry.formatting).toBe('alpaca');
  });
});
