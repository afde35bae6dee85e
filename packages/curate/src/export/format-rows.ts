import type { ExportFormat } from './export-options.js';
import type { ExportRow } from './export-rows.js';

/** The data file's extension for a format. */
export function dataExtension(format: ExportFormat): string {
  return format === 'parquet' ? 'parquet' : 'jsonl';
}

/** The user turn: the prompt fields' texts joined by a blank line. */
function userText(row: ExportRow): string {
  return row.prompt.join('\n\n');
}

/**
 * One row in a line format (docs/export.md, formats), keys in a fixed order so the same rows give the
 * same bytes:
 * - openai: `{ messages: [system?, user, assistant] }` (OpenAI chat fine-tuning lines)
 * - messages: `{ id, messages }`
 * - alpaca: `{ instruction, input, output, system? }` (input: the prompt fields after the first)
 * - sharegpt: `{ id, conversations: [{ from: system|human|gpt, value }] }`
 * - jsonl (and parquet): the row's own fields with its id first, provenance fields removed
 */
export function formatRow(row: ExportRow, format: ExportFormat, system?: string): Record<string, unknown> {
  switch (format) {
    case 'openai':
    case 'messages': {
      const messages = [
        ...(system ? [{ role: 'system', content: system }] : []),
        { role: 'user', content: userText(row) },
        { role: 'assistant', content: row.response },
      ];
      return format === 'openai' ? { messages } : { id: row.id, messages };
    }
    case 'alpaca': {
      const [instruction = '', ...rest] = row.prompt;
      return { instruction, input: rest.join('\n\n'), output: row.response, ...(system ? { system } : {}) };
    }
    case 'sharegpt':
      return {
        id: row.id,
        conversations: [
          ...(system ? [{ from: 'system', value: system }] : []),
          { from: 'human', value: userText(row) },
          { from: 'gpt', value: row.response },
        ],
      };
    case 'jsonl':
    case 'parquet':
      return row.fields;
  }
}

/** A provenance line: the row's id, then the provenance fields it had. */
export function provenanceLine(row: ExportRow): Record<string, unknown> {
  return { id: row.id, ...row.provenance };
}
