import { ConfigError, type EngineConfig, readDatasetFile } from '@treesynth/core';

/** The data size a baseline makes: `maxSamples`, which every baseline needs (the paper compares at one size). */
export function dataSize(config: EngineConfig, method: string): number {
  if (config.maxSamples === undefined)
    throw new ConfigError({
      path: 'config.maxSamples',
      message: `the ${method} method needs a data size: set it (the paper compares methods at the same size)`,
    });
  return config.maxSamples;
}

/** One seed text of a seed file, with its line for provenance. */
export interface SeedText {
  line: number;
  text: string;
}

/**
 * The texts of a seed file (JSONL or a .json array, read by core's dataset reader), one field each.
 * Bad rows are skipped with a warning naming their lines; a file with none usable is a ConfigError.
 */
export async function readSeedTexts(
  file: string | undefined,
  field: string | undefined,
  method: string,
  warn: (message: string) => void,
): Promise<SeedText[]> {
  if (!file)
    throw new ConfigError({
      path: 'config.method.seeds',
      message: `the ${method} method needs a seed file (JSONL, one object a line)`,
    });
  const read = await readDatasetFile(file, field);
  if (read.problems.length > 0) {
    const lines = read.problems.slice(0, 5).map((problem) => `${problem.line} (${problem.reason})`);
    warn(`${file}: skipped ${read.problems.length} rows: line ${lines.join(', ')}`);
  }
  return read.rows.map((row) => ({ line: row.line, text: row.text.replace(/\s+/g, ' ').trim() }));
}
