import { ConfigError, type OptionNamer, TreeSynthError } from '@treesynth/core';
import type { CommandSpec, OptionSpec } from './command.js';

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
