import { z } from 'zod';
import { integerOption, numberOption, type OptionSpec, type ParsedValues } from './command.js';

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
 * placeholder, repeatable, a short name) or a CLI-specific wording.
 */
export function schemaOption(schema: z.ZodType, extra: Partial<OptionSpec> = {}): OptionSpec {
  const facts = fieldFacts(schema);
  const type = facts.type === 'boolean' ? 'boolean' : 'string';
  const number = facts.type === 'integer' || facts.type === 'number';
  return {
    type,
    ...(type === 'string' ? { value: number ? '<n>' : '<value>' } : {}),
    description: facts.description ?? '',
    ...(type === 'string' && facts.default !== undefined ? { default: String(facts.default) } : {}),
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
