import type { z } from 'zod';
import type { OptionSpec } from './command.js';
import { optionOf } from './option-flags.js';
import { innerSchema, schemaOption } from './schema-options.js';

/** A flag filled from a schema field: its value placeholder (`'<dir>'`), or what `schemaOption` takes. */
export type SchemaFlag = string | Partial<OptionSpec>;

/** What a flag of this name is in every command that has it: its placeholder, the option it fills. */
const COMMON_FLAGS: Record<string, Partial<OptionSpec>> = {
  model: { value: '<id>', option: 'modelId' },
  'base-url': { value: '<url>', option: 'baseURLs' },
  rpm: { option: 'requestsPerMinute' },
  tpm: { option: 'tokensPerMinute' },
  out: { value: '<dir>' },
  'cache-dir': { value: '<dir>' },
  embedder: { value: '<spec>' },
  field: { value: '<name>' },
};

/**
 * The options of flags that each fill a field of one options schema, by `schemaOption`: the field is
 * the flag's `option` (dotted into nested objects: `tree.depth`), else its name in camelCase
 * (`max-tokens` -> `maxTokens`), and must exist; with `prefix` the flag fills `<prefix>.<option>`. A
 * list names flags that need nothing more than what every command's flag of that name has
 * (`COMMON_FLAGS`: `--model <id>` fills `modelId`).
 *
 * ```ts
 * schemaFlags(FIELDS, { data: '<file>', depth: { option: 'tree.depth' } })
 * schemaFlags(FIELDS, ['model', 'base-url', 'samples', 'max-tokens'])
 * ```
 */
export function schemaFlags<Flag extends string>(
  shape: Record<string, z.ZodType>,
  flags: Record<Flag, SchemaFlag> | readonly Flag[],
  prefix?: string,
): Record<Flag, OptionSpec> {
  const specs = {} as Record<Flag, OptionSpec>;
  const entries = (Array.isArray(flags) ? flags.map((flag) => [flag, {}]) : Object.entries(flags)) as [
    Flag,
    SchemaFlag,
  ][];
  for (const [flag, given] of entries) {
    const extra = {
      ...(flag.endsWith('-ms') ? { value: '<ms>' } : {}),
      ...COMMON_FLAGS[flag],
      ...(typeof given === 'string' ? { value: given } : given),
    };
    const option = optionOf(flag, extra);
    const field = option ? fieldAt(shape, option) : undefined;
    if (!field) throw new Error(`--${flag}: the options schema has no field "${String(option)}"`);
    specs[flag] = schemaOption(field, prefix ? { ...extra, option: `${prefix}.${option}` } : extra);
  }
  return specs;
}

/** The field at a dotted path (`tree.depth`), through the wrappers of the objects on the way. */
function fieldAt(shape: Record<string, z.ZodType>, path: string): z.ZodType | undefined {
  const [first, ...rest] = path.split('.');
  let field: z.ZodType | undefined = shape[first!];
  for (const key of rest)
    field = field && (innerSchema(field) as { shape?: Record<string, z.ZodType> }).shape?.[key];
  return field;
}

/** A boolean flag the command reads itself, filling no package option (`--chat`, `--no-cache`). */
export function switchFlag(description: string, extra: Partial<OptionSpec> = {}): OptionSpec {
  return { type: 'boolean', description, option: false, ...extra };
}
