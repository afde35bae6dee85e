import { existsSync, statSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** The rows of samples.jsonl after a known point: ids only, and the calls they belong to. */
export interface SamplesTail {
  /** Ids of the rows after `rowsEnd`, in file order. */
  ids: string[];
  /** Bytes read. */
  bytes: number;
}

/** The call a row id belongs to: `leaf.index.position` without its position. */
export function callOfRow(id: string): string {
  return id.slice(0, id.lastIndexOf('.'));
}

const WINDOW = 64 * 1024;

/**
 * Reads samples.jsonl only after `rowsEnd`, the length the file had when the last finished leaf
 * call's rows were written, after checking that the file still fits that: at least that long, a
 * line ending exactly there, and that line a row of `lastCall` (`leaf.index`). Returns undefined when
 * it does not (the file was cut, edited or replaced), or when a row after it is not a JSON object
 * with an id: the caller then reads the whole file. Reads O(what lies after `rowsEnd`).
 */
export async function readSamplesTail(
  file: string,
  rowsEnd: number,
  lastCall: string | undefined,
): Promise<SamplesTail | undefined> {
  const size = existsSync(file) ? statSync(file).size : 0;
  if (size < rowsEnd || (rowsEnd > 0 && lastCall === undefined)) return undefined;
  const handle = await open(file, 'r');
  try {
    if (rowsEnd > 0) {
      const start = Math.max(0, rowsEnd - WINDOW);
      const before = Buffer.alloc(rowsEnd - start);
      await handle.read(before, 0, before.length, start);
      if (before[before.length - 1] !== 0x0a) return undefined;
      const lineStart = before.lastIndexOf(0x0a, before.length - 2) + 1;
      if (lineStart === 0 && start > 0) return undefined;
      const id = rowId(before.subarray(lineStart, before.length - 1).toString('utf8'));
      if (id === undefined || callOfRow(id) !== lastCall) return undefined;
    }
    const after = Buffer.alloc(size - rowsEnd);
    await handle.read(after, 0, after.length, rowsEnd);
    const ids: string[] = [];
    for (const line of after.toString('utf8').split('\n')) {
      if (line.trim().length === 0) continue;
      const id = rowId(line);
      if (id === undefined) return undefined;
      ids.push(id);
    }
    return { ids, bytes: after.length };
  } finally {
    await handle.close();
  }
}

function rowId(line: string): string | undefined {
  try {
    const value = JSON.parse(line) as { id?: unknown } | null;
    return typeof value?.id === 'string' ? value.id : undefined;
  } catch {
    return undefined;
  }
}
