import { ConfigError, TreeSynthError } from '@treesynth/core';

/** Options whose flag is not their kebab-case name. */
const FLAG_EXCEPTIONS: Record<string, string> = { datasets: '<files>' };

/** The CLI flag that fills a package option: `cacheDir` -> `--cache-dir`. */
export function flagForOption(path: string): string {
  return FLAG_EXCEPTIONS[path] ?? `--${path.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * A package's ConfigError on an option the command fills from a flag, re-worded to name the flag
 * (`cacheDir: ...` -> `--cache-dir: ...`); any other error as it is.
 */
export function namedByFlag(error: unknown, flags: readonly string[]): unknown {
  if (!TreeSynthError.isInstance(error) || error.code !== 'config' || !(error instanceof ConfigError))
    return error;
  const flag = flagForOption(error.path);
  if (!(error.path in FLAG_EXCEPTIONS) && !flags.includes(flag.slice(2))) return error;
  return new ConfigError({ path: flag, message: error.message.slice(error.path.length + 2), cause: error });
}
