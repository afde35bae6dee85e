import { ConfigError } from '@treesynth/core';
import { readJsonFile } from '@treesynth/core/internal';
import type { z } from 'zod';

/** A JSON file read back through the schema of the code that wrote it; anything else names the file. */
export function readJsonThrough<Schema extends z.ZodType>(
  schema: Schema,
  file: string,
  what: string,
): z.output<Schema> {
  const parsed = schema.safeParse(readJsonFile(file, what));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ConfigError({ path: file, message: `not a ${what}${where}: ${issue?.message ?? 'invalid'}` });
}
