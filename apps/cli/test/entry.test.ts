import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collect, ROOT, runCli, spawnCli } from './cli-harness.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string })
  .version;

describe('treesynth --version', () => {
  it.each(['--version', '-v'])('%s prints the version of apps/cli/package.json, exit 0', async (flag) => {
    const result = await runCli([flag]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
    expect(result.stderr).toBe('');
  });
});

describe('a reader that goes away', () => {
  it('ends the CLI quietly with exit 0 when its stdout pipe is closed (`| head`)', async () => {
    const child = spawnCli(['run', '--help']);
    // The reader closes before the CLI has written anything, so its first write meets EPIPE.
    child.stdout?.destroy();
    const result = await collect(child);
    expect(result.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('the README way: ./treesynth (and pnpm treesynth) from the repository root', () => {
  it('./treesynth demo prints clean JSON on stdout with --json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'treesynth-entry-')), 'demo');
    const child = spawn('./treesynth', ['demo', '--out', out, '--json', '--quiet'], {
      cwd: ROOT,
      env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const result = await collect(child);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { dir: string; status: string };
    expect(summary.dir).toBe(out);
    expect(summary.status).toBe('complete');
  }, 180_000);

  it('pnpm treesynth runs the same CLI, no pnpm banner before its output', async () => {
    const child = spawn('pnpm', ['treesynth', '--version'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const result = await collect(child);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
  });
});

describe('the launcher behind pnpm treesynth (scripts/treesynth.mjs)', () => {
  it('keys its bundle on the sources: touching one source file gives a new stamp, restoring it the old', async () => {
    const { sourceStamp } = (await import(join(ROOT, 'scripts/bundle-cli.mjs'))) as {
      sourceStamp: (root?: string) => string;
    };
    // A repository of its own, so other tests writing beside the real sources cannot move the stamp.
    const root = mkdtempSync(join(tmpdir(), 'treesynth-stamp-'));
    for (const dir of ['apps/cli/src', 'packages/core/src/run'])
      mkdirSync(join(root, dir), { recursive: true });
    writeFileSync(join(root, 'apps/cli/package.json'), '{}');
    writeFileSync(join(root, 'packages/core/package.json'), '{}');
    writeFileSync(join(root, 'apps/cli/src/main.ts'), 'export {};\n');
    writeFileSync(join(root, 'packages/core/src/run/open-run.ts'), 'export {};\n');
    writeFileSync(join(root, 'pnpm-lock.yaml'), '');
    const file = join(root, 'packages/core/src/run/open-run.ts');
    // A whole-second time, which utimes can set back exactly (a file's own time has nanoseconds).
    const atime = new Date(1_700_000_000_000);
    const mtime = new Date(1_700_000_000_000);
    utimesSync(file, atime, mtime);
    const before = sourceStamp(root);
    expect(sourceStamp(root)).toBe(before);
    utimesSync(file, atime, new Date(mtime.getTime() + 5000));
    expect(sourceStamp(root)).not.toBe(before);
    utimesSync(file, atime, mtime);
    expect(sourceStamp(root)).toBe(before);
    writeFileSync(join(root, 'packages/core/src/run/new-file.ts'), 'export {};\n');
    expect(sourceStamp(root)).not.toBe(before);
    // The real repository's stamp is computed the same way.
    expect(sourceStamp()).toMatch(/^[0-9a-f]{16}$/);
  });
});
