import type { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { formatZodError } from './format-zod-error.js';

/**
 * `value` through `schema`; the first problem is a ConfigError naming the field. `name` turns the
 * field's dotted path (`faults.rate429`, or '' for the value itself) into the path the error shows.
 */
export function parseOptions<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  name: (path: string) => string = (path) => path,
): z.output<Schema> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const { path, message } = formatZodError(parsed.error);
  throw new ConfigError({ path: name(path), message });
}

/** A `name` for parseOptions: the field's path under `parent` (`parent.field`, or `parent` itself). */
export function pathUnder(parent: string, separator = '.'): (path: string) => string {
  return (path) => (path ? `${parent}${separator}${path}` : parent);
}
