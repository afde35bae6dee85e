import { compareProgressWriter } from '@treesynth/eval';
import { compareFilesOptionsSchema } from '@treesynth/experiment';
import { type OptionSpec, OUTPUT_OPTIONS, type ParsedValues } from './command.js';
import { flagValues, schemaFlags } from './flags.js';

/** The flags `eval diversity` and `report` share: `compareFiles`' options. */
export const DATASET_OPTIONS = {
  ...schemaFlags(compareFilesOptionsSchema.shape, ['embedder', 'field', 'limit', 'seed', 'cache-dir']),
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;

/** `compareFiles`' and `reportFiles`' options from the flags, progress on stderr (none with --quiet). */
export function compareFlags<Options>(
  values: ParsedValues,
  options: Record<string, OptionSpec>,
  sources: string[],
) {
  const write = (line: string) => (values.quiet === true ? undefined : process.stderr.write(`${line}\n`));
  return { ...flagValues<Options>(values, options), sources, onProgress: compareProgressWriter(write) };
}
