import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cliVersion, treesynth } from './treesynth.js';

/** Run a command line in this process and keep what it wrote to stdout. */
async function inProcess(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += chunk.toString();
    return true;
  });
  const code = await treesynth(argv);
  vi.restoreAllMocks();
  return { code, stdout };
}

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('--help', () => {
  it.each(['run', 'tree', 'demo', 'sim', 'batch', 'balance', 'report', 'eval'])(
    '%s has help with an example',
    async (command) => {
      const result = await inProcess([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Usage: treesynth/);
      expect(result.stdout).toMatch(/Examples:\n {2}treesynth/);
    },
  );

  it('the main help lists every command, and names --version', async () => {
    const result = await inProcess(['--help']);
    expect(result.code).toBe(0);
    for (const command of ['run', 'tree', 'demo', 'sim', 'batch', 'balance', 'report', 'eval']) {
      expect(result.stdout).toMatch(new RegExp(`^ {2}${command} `, 'm'));
    }
    expect(result.stdout).toContain('treesynth --version');
  });
});

describe('--version', () => {
  it.each(['--version', '-v'])('%s prints the version of apps/cli/package.json', async (flag) => {
    const result = await inProcess([flag]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${VERSION}\n`);
    expect(cliVersion()).toBe(VERSION);
  });
});
