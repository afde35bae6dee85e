import { ConfigError, type OptionNamer, TreeSynthError } from '@treesynth/core';
import { z } from 'zod';
import type { CommandSpec, OptionSpec, ParsedValues } from './command.js';

// Flags from the packages' option schemas: which option a flag fills, its help from the schema field,
// its value parsed as the field asks, and a package error re-worded to name the flag.

/** The package option a flag fills: its `option`, else its name in camelCase (`max-samples` -> `maxSamples`). */
export function optionOf(flag: string, spec: Pick<OptionSpec, 'option'> = {}): string | false {
  return spec.option ?? flag.replace(/-([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Option name -> flag, from a command's flags (their option and their own camelCase name) and `names`. */
function flagTable(command: Pick<CommandSpec, 'options' | 'names'>): Map<string, string> {
  const table = new Map<string, string>();
  for (const [flag, spec] of Object.entries(command.options)) {
    table.set(optionOf(flag) as string, `--${flag}`);
    const option = optionOf(flag, spec);
    if (option) table.set(option, `--${flag}`);
  }
  for (const [option, name] of Object.entries(command.names ?? {})) table.set(option, name);
  return table;
}

/** How a command names a package option in messages: its flag (`maxSamples` -> `--max-samples`). */
export function flagNamer(command: Pick<CommandSpec, 'options' | 'names'>): OptionNamer {
  const table = flagTable(command);
  return (option) => table.get(option) ?? option;
}

/**
 * A package's ConfigError on an option a command's flag fills (`cacheDir`, `target x.json`,
 * `requirements[0]`, `faults.hangMs`), re-worded to name the flag (`--cache-dir: ...`); any other
 * error as it is.
 */
export function withFlags(error: unknown, command: Pick<CommandSpec, 'options' | 'names'>): unknown {
  if (!TreeSynthError.isInstance(error) || error.code !== 'config' || !(error instanceof ConfigError))
    return error;
  const path = error.path;
  const table = flagTable(command);
  const [, option = '', rest = ''] = /^([A-Za-z]+)((?: |\[|\.).*)?$/.exec(path) ?? [];
  const flag = table.get(path) ?? (table.has(option) ? `${table.get(option)}${rest}` : undefined);
  if (flag === undefined) return error;
  return new ConfigError({ path: flag, message: error.message.slice(path.length + 2), cause: error });
}

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
  const fallback = Array.isArray(facts.default) ? facts.default.join(',') || undefined : facts.default;
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
    else if (spec.number) target[last] = schemaNumber(values, flag, spec.number);
    else target[last] = spec.commas ? commaList(raw as string[], spec.commas === 'numbers') : raw;
  }
  return options as Options;
}

/** A comma-separated flag's items, trimmed, empty ones left out. */
function commaList(given: readonly string[], numbers: boolean): (string | number)[] {
  const items = given.flatMap((item) => item.split(',').map((part) => part.trim())).filter(Boolean);
  return numbers ? items.map((item) => (/^\d+$/.test(item) ? Number(item) : item)) : items;
}

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
