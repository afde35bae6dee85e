import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors/config-error.js';

/** Read and parse a JSON file named by the user; a missing or broken file is a ConfigError naming it. */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError({
      path: file,
      message: `cannot read ${what} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ConfigError({ path: file, message: `not valid JSON (${(error as Error).message})` });
  }
}
