import { ConfigError, TreeSynthError } from '@treesynth/core';

/** Options whose flag is not their kebab-case name. */
const FLAG_EXCEPTIONS: Record<string, string> = {
  configFile: '--config',
  baseURL: '--base-url',
  requestsPerMinute: '--rpm',
  tokensPerMinute: '--tpm',
  marginThreshold: '--margin',
  requirements: '--requirement',
};

/** The CLI flag for a package option named in an error: `maxSamples` -> `--max-samples`. */
export function flagForOption(path: string): string {
  return FLAG_EXCEPTIONS[path] ?? `--${path.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

/**
 * A package's ConfigError that names one of `options` (`field`, `target x.json`, `requirements[0]`),
 * renamed to name its flag (`--field`), or the flag a table gives it (`faults.hangMs` -> `--hang-ms`);
 * any other error as it is.
 */
export function withFlags(
  error: unknown,
  options: ReadonlySet<string> | ReadonlyMap<string, string>,
): unknown {
  if (!TreeSynthError.isInstance(error) || error.code !== 'config') return error;
  const path = (error as ConfigError).path;
  const [, option, rest] = /^([A-Za-z][\w.]*)((?: |\[).*)?$/.exec(path) ?? [];
  if (!option) return error;
  const flag =
    'get' in options ? options.get(option) : options.has(option) ? flagForOption(option) : undefined;
  if (!flag) return error;
  return new ConfigError({
    path: `${flag}${rest ?? ''}`,
    message: error.message.slice(path.length + 2),
    cause: error.cause,
  });
}
