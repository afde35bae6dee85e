import { ConfigError } from '@treesynth/core';
import { z } from 'zod';
import type { OptionSpec, ParsedValues } from './command.js';
import { optionOf } from './option-flags.js';

interface FieldFacts {
  type?: string;
  description?: string;
  default?: unknown;
}

/** The wrappers a field's facts are read through, each to its inner schema. */
const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'nonoptional', 'catch']);

type ZodDef = { type: string; innerType?: z.ZodType; in?: z.ZodType; defaultValue?: unknown };

/**
 * The schema inside a field's wrappers (`.optional()`, `.default()`, a pipe's input); `visit` sees
 * each schema on the way, the field itself first.
 */
export function innerSchema(schema: z.ZodType, visit?: (schema: z.ZodType, def: ZodDef) => void): z.ZodType {
  let inner = schema;
  for (;;) {
    const def = inner._zod.def as ZodDef;
    visit?.(inner, def);
    const next = def.type === 'pipe' ? def.in : WRAPPERS.has(def.type) ? def.innerType : undefined;
    if (!next) return inner;
    inner = next;
  }
}

/**
 * A schema field's type (`boolean`, `integer`, `number`, `array`, else zod's own), description and
 * default, read through its wrappers as z.toJSONSchema reads an input, without its cost (about 0.1 s
 * at the first call: every command's start would pay it).
 */
export function fieldFacts(schema: z.ZodType): FieldFacts {
  let description: string | undefined;
  let fallback: unknown;
  const inner = innerSchema(schema, (wrapper, def) => {
    description ??= wrapper.description;
    if ((def.type === 'default' || def.type === 'prefault') && fallback === undefined)
      fallback = typeof def.defaultValue === 'function' ? def.defaultValue() : def.defaultValue;
  }) as z.ZodType & { isInt?: boolean };
  const kind = inner._zod.def.type;
  const type = kind === 'number' ? (inner.isInt ? 'integer' : 'number') : kind;
  return { type, description, default: fallback };
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
  const fallback = Array.isArray(facts.default) ? facts.default.join(',') : facts.default;
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

/** The bounds of a number schema, through its wrappers. */
function numberBounds(schema: z.ZodType): string {
  const inner = innerSchema(schema);
  const { minValue: min, maxValue: max } = inner instanceof z.ZodNumber ? inner : ({} as z.ZodNumber);
  const low = min ?? Number.MIN_SAFE_INTEGER;
  return (max ?? Number.MAX_SAFE_INTEGER) >= Number.MAX_SAFE_INTEGER ? `>= ${low}` : `from ${low} to ${max}`;
}

/**
 * A number flag parsed as its schema field asks: a whole number checked against the field's bounds
 * (the one source of them; the error names the flag and the range), or any finite number whose range
 * the package's options schema checks.
 */
export function schemaNumber(values: ParsedValues, flag: string, schema: z.ZodType): number | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const value = Number(text);
  if (fieldFacts(schema).type === 'integer') {
    if (!/^-?\d+$/.test(text) || !schema.safeParse(value).success)
      throw new ConfigError({
        path: `--${flag}`,
        message: `expected a whole number ${numberBounds(schema)}, got "${String(raw)}"`,
      });
  } else if (text === '' || !Number.isFinite(value))
    throw new ConfigError({ path: `--${flag}`, message: `expected a number, got "${String(raw)}"` });
  return value;
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
