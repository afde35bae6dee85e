import { readFile } from 'node:fs/promises';
import { ConfigError } from '@treesynth/core';

/**
 * A CSV file (RFC 4180: comma separated, fields optionally in double quotes, `""` a quote inside
 * one, CRLF or LF line ends, a header row naming the columns) as one object per data row, each with
 * the line its record starts on. A row with more fields than the header, or an unclosed quote, is a
 * ConfigError naming the file and line.
 */
export async function readCsvRecords(file: string): Promise<{ line: number; value: unknown }[]> {
  const text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\n') line++;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') i++;
      else if (char === '"') {
        quoted = false;
        continue;
      }
      field += text[i];
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else if (char === '\n' || (char === '\r' && text[i + 1] === '\n')) {
      if (char === '\r') {
        i++;
        line++;
      }
      endRecord();
      recordLine = line;
    } else field += char;
  }
  if (quoted)
    throw new ConfigError({ path: `${file}:${recordLine}`, message: 'a quoted field is never closed' });
  if (field !== '' || fields.length > 0) endRecord();
  const [header, ...rows] = records;
  if (header === undefined) throw new ConfigError({ path: file, message: 'empty CSV file (no header row)' });
  return rows.map(({ line: rowLine, fields: values }) => {
    if (values.length > header.fields.length)
      throw new ConfigError({
        path: `${file}:${rowLine}`,
        message: `${values.length} fields, but the header names ${header.fields.length}`,
      });
    return {
      line: rowLine,
      value: Object.fromEntries(header.fields.map((name, k) => [name, values[k] ?? ''])),
    };
  });
}
