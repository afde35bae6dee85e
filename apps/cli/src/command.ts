import { parseArgs } from 'node:util';
import { ConfigError } from '@treesynth/core';
import type { z } from 'zod';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help, e.g. `<n>`. */
  value?: string;
  description: string;
  default?: string | boolean;
  /**
   * The package option the flag fills, dotted when nested (`faults.hangMs`); default its name in
   * camelCase. `false`: the command reads the flag itself. Errors naming the option name the flag.
   */
  option?: string | false;
  /** A number flag: the schema field that checks it (set by `schemaOption`). */
  number?: z.ZodType;
  /** A boolean flag that turns on a settings object (`{}`), which the flags of its fields fill. */
  turnsOn?: boolean;
  /**
   * A list given comma-separated (`--k 1,10`) or by repeating the flag; with `'numbers'` its whole
   * numbers become numbers (anything else stays as given, for the package's error to quote).
   */
  commas?: true | 'numbers';
}

export interface CommandSpec<Options extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  examples: string[];
  /** Extra help text after the options. */
  notes?: string;
  /** How errors naming other options of the package call name them (`datasets` -> `<files>`). */
  names?: Record<string, string>;
  /**
   * The positional arguments in order (none when absent): `<run>` one, `<files>...` one or more,
   * `[...]` around an optional one, `export|ingest` one of these words. `parseCommandArgs` checks them.
   */
  args?: string[];
  run(values: ParsedValues, positionals: string[]): Promise<number>;
}

export type ParsedValues = Record<string, string | boolean | string[] | undefined>;

export function defineCommand<Options extends Record<string, OptionSpec>>(
  spec: CommandSpec<Options>,
): CommandSpec<Options> {
  return spec;
}

/** Parse a command's arguments strictly: an unknown option is a one-line error naming it. */
export function parseCommandArgs(
  spec: CommandSpec,
  argv: string[],
): { values: ParsedValues; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ConfigError({
      path: '',
      message: `${(error as Error).message.split('\n')[0]} (see: treesynth ${spec.name} --help)`,
    });
  }
  const help = parsed.values.help === true;
  if (!help) checkArgs(spec, parsed.positionals);
  return { values: parsed.values as ParsedValues, positionals: parsed.positionals, help };
}

/** The positional arguments against the command's `args`: a missing, unexpected or wrong one is an error naming it. */
function checkArgs(spec: CommandSpec, positionals: string[]): void {
  const args = spec.args ?? [];
  const fail = (arg: string, message: string) =>
    new ConfigError({ path: arg, message: `${message} (usage: ${spec.usage.replace(/\n\s*/g, ' | ')})` });
  for (const [index, arg] of args.entries()) {
    const given = positionals[index];
    const name = arg.replace(/^\[(.*)\]$/, '$1');
    if (given === undefined) {
      if (name === arg) throw fail(arg, 'missing');
    } else if (/^[a-z|]+$/.test(name) && !name.split('|').includes(given))
      throw fail(
        name,
        `expected ${name
          .split('|')
          .map((word) => `"${word}"`)
          .join(' or ')}, got "${given}"`,
      );
  }
  const extra = positionals[args.length];
  if (extra !== undefined && !args.at(-1)?.replace(/\]$/, '').endsWith('...'))
    throw fail(extra, 'unexpected argument');
}

export function formatHelp(spec: CommandSpec): string {
  const rows = Object.entries(spec.options).map(([name, option]) => {
    const flag = `${option.short ? `-${option.short}, ` : '    '}--${name}${option.value ? ` ${option.value}` : ''}`;
    const fallback =
      option.default !== undefined && option.default !== false ? ` (default: ${option.default})` : '';
    return [flag, `${option.description}${fallback}`] as const;
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  return [
    `${spec.summary}`,
    '',
    `Usage: ${spec.usage}`,
    '',
    'Options:',
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`),
    ...(spec.notes ? ['', spec.notes] : []),
    '',
    'Examples:',
    ...spec.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

export function stringOption(values: ParsedValues, name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}

/** The flags every command that prints a result has. */
export const OUTPUT_OPTIONS = {
  json: { type: 'boolean', description: 'print the result as JSON on stdout', option: false },
  quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr', option: false },
} satisfies Record<string, OptionSpec>;
