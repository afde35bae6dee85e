import { appendFileSync, createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { RunStoreError } from '../errors/run-store-error.js';
import { JsonlAppender, readJsonl, readLines, repairTornTail } from './jsonl.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-jsonl-'));
let count = 0;
const fresh = (text?: string) => {
  const file = join(work, `log-${count++}.jsonl`);
  if (text !== undefined) writeFileSync(file, text);
  return file;
};

async function readAll<T>(file: string, schema?: z.ZodType<T>): Promise<T[]> {
  const lines: T[] = [];
  for await (const line of readJsonl(file, schema)) lines.push(line);
  return lines;
}

describe('repairTornTail', () => {
  it('cuts a last line a crash left without its newline, and only that', async () => {
    const file = fresh('{"a":1}\n{"a":2}\n{"a":');
    expect(await repairTornTail(file)).toBe(5);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(await repairTornTail(file)).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
  });

  it('empties a file whose only line is torn, and leaves a missing file missing', async () => {
    const file = fresh('{"never finished"');
    expect(await repairTornTail(file)).toBe(17);
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(await repairTornTail(join(work, 'missing.jsonl'))).toBe(0);
  });

  it('finds the last newline beyond one read block', async () => {
    const long = `{"text":"${'x'.repeat(70 * 1024)}"}\n`;
    const file = fresh(`${long}${'y'.repeat(100 * 1024)}`);
    expect(await repairTornTail(file)).toBe(100 * 1024);
    expect(readFileSync(file, 'utf8')).toBe(long);
  });
});

describe('readJsonl', () => {
  it('reads every line, skipping blank ones, and nothing from a missing file', async () => {
    expect(await readAll(fresh('{"a":1}\n\n{"a":2}\r\n'))).toEqual([{ a: 1 }, { a: 2 }]);
    expect(await readAll(join(work, 'none.jsonl'))).toEqual([]);
  });

  it('names the file and line of a line that is not JSON', async () => {
    const file = fresh('{"a":1}\n{"a":\n');
    const reading = readAll(file);
    await expect(reading).rejects.toBeInstanceOf(RunStoreError);
    await expect(readAll(file)).rejects.toThrow(`${file}:2: not a JSON line`);
  });

  it('checks each line against a schema, naming the line and the field', async () => {
    const schema = z.object({ a: z.number() });
    const file = fresh('{"a":1}\n{"a":2}\n{"a":"three"}\n');
    await expect(readAll(file, schema)).rejects.toThrow(new RegExp(`${file}:3: a: .*number`));
    expect(await readAll(fresh('{"a":1}\n'), schema)).toEqual([{ a: 1 }]);
  });
});

describe('JsonlAppender', () => {
  it('leaves a failed append to its caller: no unhandled rejection when no later call comes', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const appender = new JsonlAppender(join(mkdtempSync(join(tmpdir(), 'jsonl-')), 'missing', 'x.jsonl'));
      await expect(appender.append([{ a: 1 }])).rejects.toThrow(/ENOENT/);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).toEqual([]);
      // The failure stays: a later append fails with the same error.
      await expect(appender.append([{ a: 2 }])).rejects.toThrow(/ENOENT/);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });

  it('appends in call order, one line per item, to what the file held', async () => {
    const file = fresh('{"n":0}\n');
    const appender = new JsonlAppender(file);
    const writes = [appender.append([{ n: 1 }, { n: 2 }]), appender.append([]), appender.append([{ n: 3 }])];
    await Promise.all(writes);
    await appender.close();
    expect(await readAll(file)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('resolves each append to the file length once its lines are written, counting what was there', async () => {
    const file = fresh('{"n":0}\n');
    const appender = new JsonlAppender(file);
    const ends = await Promise.all([
      appender.append([{ n: 1 }]),
      appender.append([]),
      appender.append([{ n: 22 }]),
    ]);
    await appender.close();
    expect(ends).toEqual([16, 16, 25]);
    appendFileSync(file, '{"n":"by hand"}\n');
    expect(await appender.append([{ n: 3 }])).toBe(readFileSync(file).length);
    await appender.close();
  });

  it('after a failed write, fails every later append, so a torn line can only be the last', async () => {
    const file = join(work, 'no-such-folder', 'log.jsonl');
    const appender = new JsonlAppender(file);
    await expect(appender.append([{ n: 1 }])).rejects.toThrow(/ENOENT/);
    await expect(appender.append([{ n: 2 }])).rejects.toThrow(/ENOENT/);
    await appender.close();
  });

  it('reopens after close and keeps appending', async () => {
    const file = fresh('');
    const appender = new JsonlAppender(file);
    await appender.append([{ n: 1 }]);
    await appender.close();
    appendFileSync(file, '{"n":"by hand"}\n');
    await appender.append([{ n: 2 }]);
    await appender.close();
    expect(await readAll(file)).toEqual([{ n: 1 }, { n: 'by hand' }, { n: 2 }]);
  });
});

describe('readLines', () => {
  /** What node:readline makes of the same file, as readJsonl read it before. */
  async function readlineLines(file: string): Promise<string[]> {
    const lines: string[] = [];
    const reader = createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    for await (const line of reader) lines.push(line);
    return lines;
  }

  it('splits every file as readline does, at any chunk size', async () => {
    const texts = [
      '',
      '\n',
      'a',
      'a\n',
      'a\nb',
      'a\r\nb\r\n',
      'a\rb\r',
      'a\r\r\nb\n\n\nc',
      '\r\n\r\n',
      '\r',
      'ünïcødé ✓\n日本語\r\n😀 emoji\r',
      `${'x'.repeat(300)}\r\n${'y'.repeat(5)}\n`,
      '{"a":1}\n\n{"a":2}\r\n',
    ];
    for (const text of texts) {
      const file = fresh(text);
      const expected = await readlineLines(file);
      for (const chunkBytes of [1, 2, 3, 7, 64 * 1024]) {
        const lines: string[] = [];
        for await (const batch of readLines(file, chunkBytes)) lines.push(...batch);
        expect(lines, `${JSON.stringify(text)} in chunks of ${chunkBytes}`).toEqual(expected);
      }
    }
  });
});
