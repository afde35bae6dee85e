import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { checkOutputPath } from './check-output-path.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-output-path-'));
const file = join(work, 'notes.txt');
writeFileSync(file, 'a user file');
const folder = join(work, 'folder');
mkdirSync(folder);

function refusal(path: string, kind: 'file' | 'folder'): string {
  try {
    checkOutputPath(path, { flag: '--out', kind });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  return 'accepted';
}

describe('checkOutputPath', () => {
  it('accepts a new path under a writable folder, an existing folder, and an existing file', () => {
    expect(refusal(join(work, 'new/deeper/run'), 'folder')).toBe('accepted');
    expect(refusal(folder, 'folder')).toBe('accepted');
    expect(refusal(file, 'file')).toBe('accepted');
    expect(refusal(join(folder, 'report.html'), 'file')).toBe('accepted');
  });

  it('refuses an empty path, the wrong kind, and a path under a file, naming the flag', () => {
    expect(refusal('', 'folder')).toBe('--out: is empty; name a folder');
    expect(refusal(' ', 'file')).toBe('--out: is empty; name a file');
    expect(refusal(file, 'folder')).toBe(`--out: ${file} is a file; expected a folder`);
    expect(refusal(folder, 'file')).toBe(`--out: ${folder} is a folder; expected a file name`);
    expect(refusal(join(file, 'a/b'), 'folder')).toBe(
      `--out: ${file} is a file, so ${join(file, 'a/b')} cannot be created under it`,
    );
  });

  it.runIf(existsSync('/proc/self'))('refuses a folder where nothing can be created (/proc)', () => {
    expect(refusal('/proc/treesynth-check/out', 'folder')).toMatch(
      /^--out: cannot write in \/proc \(E[A-Z]+\)$/,
    );
  });

  it('creates nothing: the probe folder is removed and the path is not made', () => {
    checkOutputPath(join(work, 'later/run'), { flag: '--out', kind: 'folder' });
    checkOutputPath(folder, { flag: '--out', kind: 'folder' });
    expect(readdirSync(work).sort()).toEqual(['folder', 'notes.txt']);
    expect(readdirSync(folder)).toEqual([]);
  });
});
