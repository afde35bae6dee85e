import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');

describe('baseline-methods', () => {
  it('runs each baseline to its data size, the method in every row', async () => {
    const out = mkdtempSync(join(tmpdir(), 'treesynth-example-'));
    const child = spawn(
      process.execPath,
      ['--conditions=@treesynth/source', '--import', 'tsx', join(HERE, 'baseline-methods.ts'), out],
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
    const code = await new Promise((done) => child.on('close', done));
    expect(code, stderr).toBe(0);
    for (const method of ['temperature', 'evol', 'persona']) {
      const line = new RegExp(`^${method}: complete, (\\d+) samples, (\\d+) calls$`, 'm').exec(stdout);
      expect(line, stdout).not.toBeNull();
      const rows = readFileSync(join(out, `example-${method}`, 'samples.jsonl'), 'utf8')
        .trim()
        .split('\n');
      expect(Number(line![1])).toBe(rows.length);
      expect(rows.length).toBeGreaterThan(10);
      expect(rows.length).toBeLessThanOrEqual(20);
      for (const row of rows) expect(JSON.parse(row).method.name).toBe(method);
    }
  }, 120_000);
});
