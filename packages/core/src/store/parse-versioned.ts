import type { z } from 'zod';
import { formatZodError } from '../config/format-zod-error.js';
import { RunStoreError } from '../errors/run-store-error.js';

/**
 * Check a parsed file against a schema whose first field is `schemaVersion`: a file of another
 * version is refused as such (not as a list of shape problems), any other mismatch names its field.
 */
export function parseVersioned<T>(
  schema: z.ZodType<T>,
  json: unknown,
  file: string,
  expected: { what: string; version: number },
): T {
  if (typeof json !== 'object' || json === null || !('schemaVersion' in json))
    throw new RunStoreError({ file, message: `not a ${expected.what} (no schemaVersion)` });
  if (json.schemaVersion !== expected.version) {
    throw new RunStoreError({
      file,
      message: `${expected.what} format ${JSON.stringify(json.schemaVersion)} is not supported (expected ${expected.version}); this version of treesynth cannot read it`,
    });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const { path, message } = formatZodError(parsed.error);
    throw new RunStoreError({
      file,
      message: `not a valid ${expected.what}: ${path ? `${path}: ` : ''}${message}`,
    });
  }
  return parsed.data;
}
