import { z } from 'zod';
import { integerOption, numberOption, type OptionSpec, type ParsedValues } from './command.js';
import { optionOf } from './option-flags.js';

interface FieldFacts {
  type?: string;
  description?: string;
  default?: unknown;
}

/** A schema field's type, description and default, read through its wrappers (`.optional()`, `.default()`). */
function fieldFacts(schema: z.ZodType): FieldFacts {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as FieldFacts;
}

/**
 * The CLI option that fills a package option: its description and default come from the option's
 * zod schema field (the one source of both); `extra` sets what the schema cannot know (the value
 * placeholder, repeatable, a short name, the option it fills) or a CLI-specific wording.
 */
export function schemaOption(schema: z.ZodType, extra: Partial<OptionSpec> = {}): OptionSpec {
  const facts = fieldFacts(schema);
  const type = facts.type === 'boolean' ? 'boolean' : 'string';
  const number = facts.type === 'integer' || facts.type === 'number';
  const fallback = Array.isArray(facts.default) ? facts.default[0] : facts.default;
  return {
    type,
    ...(type === 'string' ? { value: number ? '<n>' : '<value>' } : {}),
    ...(facts.type === 'array' ? { multiple: true } : {}),
    description: facts.description ?? '',
    ...(type === 'string' && fallback !== undefined ? { default: String(fallback) } : {}),
    ...(number ? { number: schema } : {}),
    ...extra,
  };
}

/**
 * A number flag parsed as its schema field asks: a whole number checked against the field's bounds,
 * or any finite number whose range the package's options schema checks.
 */
export function schemaNumber(values: ParsedValues, flag: string, schema: z.ZodType): number | undefined {
  if (fieldFacts(schema).type === 'integer')
    return integerOption(values, flag, schema as z.ZodType<number | undefined>);
  return numberOption(values, flag);
}

/**
 * The package options the given flags fill, nested where an option is dotted: a number checked
 * against its schema field, a repeatable flag as a list, a `turnsOn` flag as `{}` (unless the flags of its
 * fields fill it). Flags not given are left out, so the
 * package's defaults (and a config file's or a resumed run's settings) apply.
 */
export function flagValues<Options>(values: ParsedValues, specs: Record<string, OptionSpec>): Options {
  const options: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(specs)) {
    const option = optionOf(flag, spec);
    const raw = values[flag];
    if (option === false || raw === undefined || raw === false) continue;
    const keys = option.split('.');
    let target = options;
    for (const key of keys.slice(0, -1)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1]!;
    if (spec.turnsOn) target[last] ??= {};
    else target[last] = spec.number ? schemaNumber(values, flag, spec.number) : raw;
  }
  return options as Options;
}
