import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';

const TEMPORARY_PREFIX = '.treesynth-';
const TEMPORARY_NAME = /^\.treesynth-.*\.[0-9a-f]{12}\.tmp$/;

/**
 * The temp file of a write to `file`, beside it: `.treesynth-<name>.<12 hex>.tmp`. The prefix and the
 * random part make it ours: a user's `notes.tmp` never matches, so cleaning up never touches it.
 */
export function temporaryPath(file: string): string {
  return join(dirname(file), `${TEMPORARY_PREFIX}${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Whether a file name is one of our temp files (an atomic write cut short by a crash). */
export function isOwnTemporaryFile(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

/** Remove our temp files directly in `dir` (not below it); anything else stays. */
export function removeOwnTemporaryFiles(dir: string): void {
  for (const name of readdirSync(dir)) {
    if (isOwnTemporaryFile(name)) rmSync(join(dir, name), { force: true });
  }
}

/** Write a file so readers see the old or the new content, never a part: temp file, then rename. */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  const temporary = temporaryPath(file);
  try {
    await writeFile(temporary, content);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * `writeFileAtomic`, unless the file already holds exactly `content`: then it is left as it is (its
 * bytes and modification time), and nothing is written. Returns whether it wrote.
 */
export async function writeFileAtomicIfChanged(file: string, content: string): Promise<boolean> {
  const size = await stat(file).then(
    (stats) => (stats.isFile() ? stats.size : -1),
    () => -1,
  );
  // Compared as text: decoding the file costs a fraction of encoding a large content (tree.json).
  if (
    size === Buffer.byteLength(content) &&
    (await readFile(file, 'utf8').catch(() => undefined)) === content
  )
    return false;
  await writeFileAtomic(file, content);
  return true;
}

export function writeFileAtomicSync(file: string, content: string): void {
  const temporary = temporaryPath(file);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** `writeFileAtomic` for content too large to hold in one string: lines streamed to the temp file. */
export async function writeLinesAtomic(file: string, lines: AsyncIterable<string>): Promise<void> {
  const temporary = temporaryPath(file);
  const stream = createWriteStream(temporary);
  try {
    for await (const line of lines) {
      if (!stream.write(`${line}\n`)) await once(stream, 'drain');
    }
    stream.end();
    await finished(stream);
    await rename(temporary, file);
  } catch (error) {
    stream.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
}
