import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { ConfigError } from '../errors/config-error.js';
import { type DatasetRow, type RecordProjection, type RowProblem, TextRowCollector } from './text-rows.js';

export interface DatasetFile {
  file: string;
  field: string;
  rows: DatasetRow[];
  problems: RowProblem[];
}

/**
 * Reads a dataset as JSONL (one object a line) or, for a `.json` file, a JSON array of objects. Bad
 * rows (not JSON, not an object, the field missing or not a non-empty string) are returned in
 * `problems` with their line numbers; the rest are read. The file itself is only ever read.
 *
 * Without `field`, the first of TEXT_FIELD_GUESSES that the first object row has as a string is used.
 * A missing file, or a file with no usable row at all, is a ConfigError naming the file. `project`
 * keeps part of each record (JSONL rows are handed over one by one, so a large file's objects are
 * never all in memory at once).
 */
export async function readDatasetFile(
  file: string,
  field?: string,
  options: { project?: RecordProjection | undefined } = {},
): Promise<DatasetFile> {
  if (!existsSync(file)) throw new ConfigError({ path: file, message: 'no such file' });
  if (!statSync(file).isFile())
    throw new ConfigError({
      path: file,
      message: 'is a folder; expected a dataset file (JSONL, one object a line, or a .json array)',
    });
  const problems: RowProblem[] = [];
  const collector = new TextRowCollector({ source: file, field, problems, project: options.project });
  if (file.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new ConfigError({ path: file, message: `not valid JSON (${(error as Error).message})` });
    }
    if (!Array.isArray(parsed))
      throw new ConfigError({ path: file, message: 'a .json dataset must be an array of objects' });
    parsed.forEach((value, index) => {
      collector.add(index + 1, value);
    });
  } else {
    const lines = createInterface({
      input: createReadStream(file, 'utf8'),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let line = 0;
    for await (const text of lines) {
      line++;
      if (text.trim().length === 0) continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        problems.push({ line, reason: 'not valid JSON' });
        continue;
      }
      collector.add(line, value);
    }
  }
  return { file, ...collector.finish() };
}
