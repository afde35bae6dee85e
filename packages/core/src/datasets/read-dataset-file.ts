import { createReadStream, existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { ConfigError } from '../errors/config-error.js';

/** Fields tried, in order, when no `--field` is given. */
export const TEXT_FIELD_GUESSES = [
  'question',
  'problem',
  'prompt',
  'text',
  'instruction',
  'input',
  'content',
];

/** One usable row of a dataset file. */
export interface DatasetRow {
  /** 1-based line number in the file (the element's index + 1 for a JSON array file). */
  line: number;
  /** The whole parsed object, every original field kept. */
  record: Record<string, unknown>;
  /** The chosen field's text. */
  text: string;
}

/** A row left out, with why. */
export interface RowProblem {
  line: number;
  reason: string;
}

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
 * A missing file, or a file with no usable row at all, is a ConfigError naming the file.
 */
export async function readDatasetFile(file: string, field?: string): Promise<DatasetFile> {
  if (!existsSync(file)) throw new ConfigError({ path: file, message: 'no such file' });
  if (!statSync(file).isFile())
    throw new ConfigError({
      path: file,
      message: 'is a folder; expected a dataset file (JSONL, one object a line, or a .json array)',
    });
  const records: { line: number; value: unknown }[] = [];
  const problems: RowProblem[] = [];
  if (file.endsWith('.json')) {
    const { readFile } = await import('node:fs/promises');
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new ConfigError({ path: file, message: `not valid JSON (${(error as Error).message})` });
    }
    if (!Array.isArray(parsed))
      throw new ConfigError({ path: file, message: 'a .json dataset must be an array of objects' });
    parsed.forEach((value, index) => {
      records.push({ line: index + 1, value });
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
      try {
        records.push({ line, value: JSON.parse(text) });
      } catch {
        problems.push({ line, reason: 'not valid JSON' });
      }
    }
  }

  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  const chosen =
    field ??
    (() => {
      const first = records.find((entry) => isObject(entry.value))?.value as
        | Record<string, unknown>
        | undefined;
      const guess = first && TEXT_FIELD_GUESSES.find((name) => typeof first[name] === 'string');
      if (guess) return guess;
      const strings = first ? Object.keys(first).filter((key) => typeof first[key] === 'string') : [];
      throw new ConfigError({
        path: file,
        message: `which field holds the text? pass --field (string fields in the first row: ${strings.join(', ') || 'none'})`,
      });
    })();

  const rows: DatasetRow[] = [];
  for (const { line, value } of records) {
    if (!isObject(value)) {
      problems.push({ line, reason: 'not a JSON object' });
      continue;
    }
    const text = value[chosen];
    if (typeof text !== 'string' || text.trim().length === 0) {
      problems.push({
        line,
        reason: text === undefined ? `no "${chosen}" field` : `"${chosen}" is not a non-empty string`,
      });
      continue;
    }
    rows.push({ line, record: value, text });
  }
  problems.sort((a, b) => a.line - b.line);
  if (rows.length === 0) {
    const first = problems[0];
    throw new ConfigError({
      path: first ? `${file}:${first.line}` : file,
      message: first
        ? `no usable rows; ${problems.length} bad, the first: ${first.reason}`
        : 'the file has no rows',
    });
  }
  return { file, field: chosen, rows, problems };
}

/** `file: 3 bad rows left out (line 4: not valid JSON; line 9: no "question" field; …)`, or ''. */
export function describeProblems(file: string, problems: readonly RowProblem[], shown = 5): string {
  if (problems.length === 0) return '';
  const listed = problems
    .slice(0, shown)
    .map((problem) => `line ${problem.line}: ${problem.reason}`)
    .join('; ');
  const more = problems.length > shown ? `; and ${problems.length - shown} more` : '';
  return `${file}: ${problems.length} bad row${problems.length === 1 ? '' : 's'} left out (${listed}${more})`;
}
