import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  isOwnTemporaryFile,
  removeOwnTemporaryFiles,
  temporaryPath,
  writeFileAtomic,
  writeFileAtomicIfChanged,
  writeLinesAtomic,
} from './atomic-write.js';

const folder = () => mkdtempSync(join(tmpdir(), 'treesynth-atomic-'));

describe('temp files of atomic writes', () => {
  it('are named so that only ours match: a user file ending in .tmp never does', () => {
    const dir = folder();
    const path = temporaryPath(join(dir, 'run.json'));
    expect(dirname(path)).toBe(dir);
    expect(isOwnTemporaryFile(basename(path))).toBe(true);
    expect(temporaryPath(join(dir, 'run.json'))).not.toBe(path);
    for (const name of ['notes.tmp', 'run.json.0123456789ab.tmp', '.treesynth.lock', '.treesynth-x.tmp'])
      expect(isOwnTemporaryFile(name), name).toBe(false);
  });

  it('are removed from the folder itself only, and nothing else is', () => {
    const dir = folder();
    mkdirSync(join(dir, 'cache'));
    const ours = basename(temporaryPath(join(dir, 'samples.jsonl')));
    const below = basename(temporaryPath(join(dir, 'cache', 'entry.json')));
    for (const name of [ours, 'notes.tmp', 'data.csv']) writeFileSync(join(dir, name), 'x');
    writeFileSync(join(dir, 'cache', below), 'x');
    removeOwnTemporaryFiles(dir);
    expect(readdirSync(dir).sort()).toEqual(['cache', 'data.csv', 'notes.tmp']);
    expect(readdirSync(join(dir, 'cache'))).toEqual([below]);
  });

  it('do not outlive a write: after success or failure only the target is there', async () => {
    const dir = folder();
    const file = join(dir, 'usage.json');
    await writeFileAtomic(file, 'one\n');
    await writeLinesAtomic(
      file,
      (async function* () {
        yield 'a';
        yield 'b';
      })(),
    );
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
    const failing = (async function* () {
      yield 'c';
      throw new Error('source broke');
    })();
    await expect(writeLinesAtomic(file, failing)).rejects.toThrow(/source broke/);
    expect(readFileSync(file, 'utf8')).toBe('a\nb\n');
    expect(readdirSync(dir)).toEqual(['usage.json']);
    await expect(writeFileAtomic(join(dir, 'missing', 'x.json'), 'x')).rejects.toThrow(/ENOENT/);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });
});

describe('writeFileAtomicIfChanged', () => {
  it('leaves a file that holds the content as it is, and writes one that does not', async () => {
    const dir = folder();
    const file = join(dir, 'tree.json');
    expect(await writeFileAtomicIfChanged(file, 'héllo\n')).toBe(true);
    const { mtimeMs, ino } = statSync(file);
    expect(await writeFileAtomicIfChanged(file, 'héllo\n')).toBe(false);
    expect(statSync(file)).toMatchObject({ mtimeMs, ino });
    // The same length in bytes, another content; then another length.
    for (const content of ['hallo!\n', 'hello\n']) {
      expect(await writeFileAtomicIfChanged(file, content)).toBe(true);
      expect(readFileSync(file, 'utf8')).toBe(content);
    }
    expect(readdirSync(dir)).toEqual(['tree.json']);
  });
});
