import { ConfigError } from '../errors/config-error.js';

/** Fields tried, in order, when no text field is named. */
export const TEXT_FIELD_GUESSES = [
  'question',
  'problem',
  'prompt',
  'text',
  'instruction',
  'input',
  'content',
];

/** One usable row of a dataset. */
export interface DatasetRow {
  /** 1-based line number in the file (the element's index + 1 for a JSON array or in-memory rows). */
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

/** Parsed values of a dataset, each with its line number. */
export interface NumberedValue {
  line: number;
  value: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keeps what a caller needs of each usable record (e.g. a few provenance fields) instead of all of it. */
export type RecordProjection = (record: Record<string, unknown>) => Record<string, unknown>;

export interface TextRowsOptions {
  source: string;
  field?: string | undefined;
  problems?: RowProblem[];
  /** What `DatasetRow.record` holds; default the whole parsed object. */
  project?: RecordProjection | undefined;
}

/**
 * Picks each value's text field, one value at a time (`add`), so a large file never holds all its
 * parsed objects at once. Values that are not objects, or whose field is missing or not a non-empty
 * string, become `problems` (added to those given, sorted by line). Without `field`, the first of
 * TEXT_FIELD_GUESSES that the first object has as a string is used; when it has none, a ConfigError on
 * `field` names `source` and the string fields it found. No usable row at all is a ConfigError naming
 * `source` and the first bad line (`finish`).
 */
export class TextRowCollector {
  private chosen: string | undefined;
  private readonly rows: DatasetRow[] = [];
  private readonly problems: RowProblem[];

  constructor(private readonly options: TextRowsOptions) {
    this.chosen = options.field;
    this.problems = options.problems ?? [];
  }

  add(line: number, value: unknown): void {
    if (!isRecord(value)) {
      this.problems.push({ line, reason: 'not a JSON object' });
      return;
    }
    this.chosen ??= guessField(value, this.options.source);
    const chosen = this.chosen;
    const text = value[chosen];
    if (typeof text !== 'string' || text.trim().length === 0) {
      this.problems.push({
        line,
        reason: text === undefined ? `no "${chosen}" field` : `"${chosen}" is not a non-empty string`,
      });
      return;
    }
    this.rows.push({ line, record: this.options.project ? this.options.project(value) : value, text });
  }

  finish(): { field: string; rows: DatasetRow[]; problems: RowProblem[] } {
    const { problems, rows } = this;
    problems.sort((a, b) => a.line - b.line);
    if (rows.length === 0) {
      const first = problems[0];
      throw new ConfigError({
        path: first ? `${this.options.source}:${first.line}` : this.options.source,
        message: first
          ? `no usable rows; ${problems.length} bad, the first: ${first.reason}`
          : 'the file has no rows',
      });
    }
    // No object at all: every row is a problem and the field does not matter.
    return { field: this.chosen ?? '', rows, problems };
  }
}

/** `TextRowCollector` over values already in memory. */
export function textRows(
  values: readonly NumberedValue[],
  options: TextRowsOptions,
): { field: string; rows: DatasetRow[]; problems: RowProblem[] } {
  const collector = new TextRowCollector(options);
  for (const { line, value } of values) collector.add(line, value);
  return collector.finish();
}

function guessField(first: Record<string, unknown>, source: string): string {
  const guess = TEXT_FIELD_GUESSES.find((name) => typeof first[name] === 'string');
  if (guess) return guess;
  const strings = Object.keys(first).filter((key) => typeof first[key] === 'string');
  throw new ConfigError({
    path: 'field',
    message: `which field of ${source} holds the text? (string fields in its first row: ${strings.join(', ') || 'none'})`,
  });
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
