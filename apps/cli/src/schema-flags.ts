import type { z } from 'zod';
import type { OptionSpec } from './command.js';
import { optionOf } from './option-flags.js';
import { schemaOption } from './schema-options.js';

/** A flag filled from a schema field: its value placeholder (`'<dir>'`), or what `schemaOption` takes. */
export type SchemaFlag = string | Partial<OptionSpec>;

/**
 * The options of flags that each fill a field of one options schema, by `schemaOption`: the field is
 * the flag's `option`, else its name in camelCase (`max-tokens` -> `maxTokens`), and must exist. A
 * list names flags that need nothing more.
 *
 * ```ts
 * schemaFlags(FIELDS, { out: '<dir>', model: { value: '<id>', option: 'modelId' }, seed: {} })
 * schemaFlags(FIELDS, ['samples', 'max-tokens'])
 * ```
 */
export function schemaFlags(
  shape: Record<string, z.ZodType>,
  flags: Record<string, SchemaFlag> | readonly string[],
): Record<string, OptionSpec> {
  const specs: Record<string, OptionSpec> = {};
  const entries = Array.isArray(flags) ? flags.map((flag) => [flag, {}] as const) : Object.entries(flags);
  for (const [flag, given] of entries) {
    const extra = typeof given === 'string' ? { value: given } : given;
    const option = optionOf(flag, extra);
    const field = option ? shape[option] : undefined;
    if (!field) throw new Error(`--${flag}: the options schema has no field "${String(option)}"`);
    specs[flag] = schemaOption(field, extra);
  }
  return specs;
}

/** A boolean flag the command reads itself, filling no package option (`--chat`, `--no-cache`). */
export function switchFlag(description: string, extra: Partial<OptionSpec> = {}): OptionSpec {
  return { type: 'boolean', description, option: false, ...extra };
}
