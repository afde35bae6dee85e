import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

/** Run an example the way its header says, as a child process, with its output folder. */
function runExample(
  file: string,
  out: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@treesynth/source', '--import', 'tsx', join(HERE, file), out],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OPENAI_API_KEY: '' } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

const EXAMPLES = readdirSync(HERE).filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'));

describe('examples', () => {
  it('README shows every example file as it is', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(EXAMPLES.length).toBeGreaterThanOrEqual(2);
    for (const name of EXAMPLES) {
      expect(readme, `README.md lacks examples/src/${name} verbatim`).toContain(
        readFileSync(join(HERE, name), 'utf8').trim(),
      );
    }
  });

  it('compare-datasets scores a varied set above a repetitive one and writes the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'treesynth-example-'));
    const result = await runExample('compare-datasets.ts', out);
    expect(result.code, result.stderr).toBe(0);
    const cosine = /meanCosine: ([\d.]+) vs ([\d.]+)/.exec(result.stdout);
    expect(cosine, result.stdout).not.toBeNull();
    expect(Number(cosine![1])).toBeLessThan(Number(cosine![2]));
    expect(Number(cosine![2])).toBeCloseTo(1, 5);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('varied vs repetitive');
  });

  it('balance-dataset raises the leaf entropy of a skewed set and writes the balance folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'treesynth-example-'));
    const result = await runExample('balance-dataset.ts', out);
    expect(result.code, result.stderr).toBe(0);
    const entropy = /leaf entropy ([\d.]+) -> ([\d.]+)/.exec(result.stdout);
    expect(entropy, result.stdout).not.toBeNull();
    expect(Number(entropy![2])).toBeGreaterThan(Number(entropy![1]));
    for (const file of ['balanced.jsonl', 'plan.json', 'routes.jsonl', 'balance.json']) {
      expect(existsSync(join(out, 'balanced', file)), file).toBe(true);
    }
    const rows = readFileSync(join(out, 'balanced', 'balanced.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(result.stdout).toContain(`rows out: ${rows.length},`);
  });
});

describe('generate-dataset', () => {
  it('makes a run, then grows it to the larger budget, keeping every row', async () => {
    const out = mkdtempSync(join(tmpdir(), 'treesynth-example-'));
    const result = await runExample('generate-dataset.ts', out);
    expect(result.code, result.stderr).toBe(0);
    const counts = [...result.stdout.matchAll(/^complete: (\d+) samples in (\d+) leaves$/gm)].map((match) =>
      Number(match[1]),
    );
    expect(counts, result.stdout).toEqual([100, 150]);
    const lines = readFileSync(join(out, 'example-gsm8k', 'samples.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(150);
    expect(new Set(lines.map((line) => JSON.parse(line).id)).size).toBe(150);
  });
});

describe('run-and-curate', () => {
  it('runs, curates and exports; the export holds exactly the curated rows', async () => {
    const out = mkdtempSync(join(tmpdir(), 'treesynth-example-'));
    const result = await runExample('run-and-curate.ts', out);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^complete: 60 samples$/m);
    const folder = join(out, 'example-curated');
    const curated = readFileSync(join(folder, 'curated.jsonl'), 'utf8').trim().split('\n');
    expect(result.stdout).toContain(`${curated.length} rows in curated.jsonl`);
    expect(result.stdout).toMatch(/^ {2}verify +60 → \d+/m);
    const exported = readFileSync(join(folder, 'export-openai', 'train.jsonl'), 'utf8')
      .trim()
      .split('\n');
    expect(exported).toHaveLength(curated.length);
    expect(result.stdout).toContain(`exported ${curated.length} rows`);
  });
});

describe('bench-model', () => {
  it('benches the simulator on GSM8K and MATH, and a rerun of the folder asks nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'treesynth-example-'));
    const first = await runExample('bench-model.ts', out);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('| Model | GSM8K (strict / flexible) | MATH | Avg |');
    expect(first.stdout).toContain('### pass@2');
    expect(first.stdout).toMatch(/^80 calls, 0 problems failed$/m);
    expect(existsSync(join(out, 'example-sim', 'summary.md'))).toBe(true);
    const again = await runExample('bench-model.ts', out);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^0 calls, 0 problems failed$/m);
  });
});
