import { createReadStream, existsSync, statSync, truncateSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import { RunStoreError } from '../errors/run-store-error.js';

/**
 * Drop a torn last line (a write cut by a crash) so appends start on a fresh line.
 * Returns the number of bytes removed.
 */
export async function repairTornTail(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const size = statSync(file).size;
  if (size === 0) return 0;
  const handle = await open(file, 'r');
  try {
    // Scan back from the end for the last newline, a block at a time.
    const block = 64 * 1024;
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - block);
      const buffer = Buffer.alloc(end - start);
      await handle.read(buffer, 0, buffer.length, start);
      const last = buffer.lastIndexOf(0x0a);
      if (last >= 0) {
        const keep = start + last + 1;
        if (keep === size) return 0;
        truncateSync(file, keep);
        return size - keep;
      }
      end = start;
    }
    truncateSync(file, 0);
    return size;
  } finally {
    await handle.close();
  }
}

/**
 * Read a JSONL file line by line; a line that is not JSON, or does not match `schema` when one is
 * given, is an error naming the file and line. `quickCheck`, for long files, accepts a line without
 * the schema: it must hold only for values the schema returns unchanged (see `isPlainRunEvent`).
 */
export async function* readJsonl<T>(
  file: string,
  schema?: z.ZodType<T>,
  options: { quickCheck?: (value: unknown) => value is T } = {},
): AsyncGenerator<T> {
  const { quickCheck } = options;
  if (!existsSync(file)) return;
  let number = 0;
  for await (const batch of readLines(file)) {
    for (const line of batch) {
      number++;
      if (line.trim().length === 0) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new RunStoreError({ file: `${file}:${number}`, message: 'not a JSON line' });
      }
      if (!schema || quickCheck?.(value)) {
        yield value as T;
        continue;
      }
      const parsed = schema.safeParse(value);
      if (!parsed.success) {
        const { path, message } = formatZodError(parsed.error);
        throw new RunStoreError({
          file: `${file}:${number}`,
          message: `${path ? `${path}: ` : ''}${message}`,
        });
      }
      yield parsed.data;
    }
  }
}

/**
 * The lines of a text file, a chunk's worth at a time, split as `node:readline` splits them with
 * `crlfDelay: Infinity` (at `\n`, `\r\n` and a lone `\r`, also across chunks; no empty line after the
 * last terminator), without readline's cost per line (an event and a promise each), which was most of
 * reading a long event log on resume.
 */
export async function* readLines(file: string, chunkBytes = 64 * 1024): AsyncGenerator<string[]> {
  let rest = '';
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: chunkBytes })) {
    const text = chunk as string;
    let end = text.indexOf('\n');
    // A long line spans chunks: only the new chunk is searched, the start kept aside until its end.
    if (end < 0) {
      rest += text;
      continue;
    }
    const lines: string[] = [];
    pushSplitAtReturns(lines, rest + text.slice(0, end));
    let start = end + 1;
    for (end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
      pushSplitAtReturns(lines, text.slice(start, end));
      start = end + 1;
    }
    rest = text.slice(start);
    yield lines;
  }
  if (rest.length > 0) {
    const lines: string[] = [];
    pushSplitAtReturns(lines, rest);
    yield lines;
  }
}

/** A text between two `\n`s: a `\r` ends a line too, and one at the end is part of `\r\n` (or the file's end). */
function pushSplitAtReturns(lines: string[], text: string): void {
  if (!text.includes('\r')) {
    lines.push(text);
    return;
  }
  const parts = text.split('\r');
  if (parts[parts.length - 1] === '') parts.pop();
  for (const part of parts) lines.push(part);
}

/**
 * Appends lines to a file in call order. A crash tears at most the last line, which `repairTornTail`
 * removes on the next open. After a failed write every later append fails with the same error.
 * Each append resolves to the file's length in bytes once its lines are written.
 */
export class JsonlAppender {
  private handle: Awaited<ReturnType<typeof open>> | undefined;
  private chain: Promise<void> = Promise.resolve();
  private size = 0;

  constructor(readonly file: string) {}

  append(items: readonly unknown[]): Promise<number> {
    const text = items.map((item) => `${JSON.stringify(item)}\n`).join('');
    const written = this.chain.then(async () => {
      if (!this.handle) {
        this.handle = await open(this.file, 'a');
        this.size = (await this.handle.stat()).size;
      }
      if (text.length === 0) return this.size;
      // A write can be partial (a disk filling up): finish it, or fail and stay failed, so a torn
      // line is only ever the last one.
      const bytes = Buffer.from(text);
      for (let offset = 0; offset < bytes.length; ) {
        offset += (await this.handle.write(bytes, offset)).bytesWritten;
      }
      this.size += bytes.length;
      return this.size;
    });
    this.chain = written.then(() => undefined);
    // The caller handles `written`; the chain keeps its rejection for later appends (and close) without
    // counting as an unhandled one when no later call comes.
    this.chain.catch(() => undefined);
    return written;
  }

  async close(): Promise<void> {
    await this.chain.catch(() => {});
    await this.handle?.close();
    this.handle = undefined;
  }
}
