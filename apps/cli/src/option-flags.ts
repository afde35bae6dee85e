import { ConfigError, TreeSynthError } from '@treesynth/core';

/** Options whose flag is not their kebab-case name. */
const FLAG_EXCEPTIONS: Record<string, string> = {
  configFile: '--config',
  baseURL: '--base-url',
  baseURLs: '--base-url',
  modelId: '--model',
  requestsPerMinute: '--rpm',
  tokensPerMinute: '--tpm',
  marginThreshold: '--margin',
  requirements: '--requirement',
  datasets: '<files>',
};

/** The CLI flag that fills a package option: `maxSamples` -> `--max-samples`. */
export function flagForOption(option: string): string {
  return FLAG_EXCEPTIONS[option] ?? `--${option.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * A package's ConfigError on an option the command fills from a flag (`cacheDir`, `target x.json`,
 * `requirements[0]`), re-worded to name the flag (`--cache-dir: ...`); any other error as it is.
 * `flags` are the command's flag names, without dashes; `paths` names the flag of a nested option
 * exactly (`faults.hangMs` -> `--hang-ms`).
 */
export function withFlags(
  error: unknown,
  flags: readonly string[],
  paths: Readonly<Record<string, string>> = {},
): unknown {
  if (!TreeSynthError.isInstance(error) || error.code !== 'config' || !(error instanceof ConfigError))
    return error;
  const path = error.path;
  const renamed = (flagPath: string) =>
    new ConfigError({ path: flagPath, message: error.message.slice(path.length + 2), cause: error });
  if (Object.hasOwn(paths, path)) return renamed(paths[path]!);
  const [, option, rest = ''] = /^([A-Za-z]+)((?: |\[|\.).*)?$/.exec(path) ?? [];
  if (!option) return error;
  const flag = flagForOption(option);
  if (!(option in FLAG_EXCEPTIONS && rest === '') && !flags.includes(flag.slice(2))) return error;
  return renamed(`${flag}${rest}`);
}
