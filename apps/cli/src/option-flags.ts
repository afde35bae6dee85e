/** Options whose flag is not their kebab-case name. */
const FLAG_EXCEPTIONS: Record<string, string> = {
  configFile: '--config',
  baseURL: '--base-url',
  requestsPerMinute: '--rpm',
  tokensPerMinute: '--tpm',
};

/** The CLI flag for a package option named in an error: `maxSamples` -> `--max-samples`. */
export function flagForOption(path: string): string {
  return FLAG_EXCEPTIONS[path] ?? `--${path.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}
