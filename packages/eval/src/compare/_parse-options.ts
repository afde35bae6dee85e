import { ConfigError } from '@treesynth/core';
import { formatZodError } from '@treesynth/core/internal';
import type { z } from 'zod';

/** Options through their schema; the first problem is a ConfigError naming the option. */
export function parseOptions<Schema extends z.ZodType>(schema: Schema, options: unknown): z.output<Schema> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) throw new ConfigError(formatZodError(parsed.error));
  return parsed.data;
}
