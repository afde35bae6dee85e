import type { Embedder } from '@treesynth/core';
import { checkOutputPath } from '@treesynth/core/internal';
import {
  type CompareDatasetsOptions,
  compareDatasetsOptionsSchema,
  compareProgressWriter,
  datasetInputFromArgument,
} from '@treesynth/eval';
import {
  createEmbedder,
  EMBEDDER_SPECS,
  embedderSpecOptionsSchema,
  withEmbeddingCache,
} from '@treesynth/providers';
import { type OptionSpec, OUTPUT_OPTIONS, type ParsedValues } from './command.js';
import { flagValues, schemaFlags } from './flags.js';

const FIELDS = compareDatasetsOptionsSchema.shape;
const EMBEDDER = embedderSpecOptionsSchema.shape;

/** The flags `eval diversity` and `report` share. */
export const DATASET_OPTIONS = {
  ...schemaFlags(EMBEDDER, {
    embedder: { description: `embedder for the embedding metrics: ${EMBEDDER_SPECS.join(', ')}, or none` },
  }),
  ...schemaFlags(FIELDS, ['field', 'limit', 'seed']),
  ...schemaFlags(EMBEDDER, ['cache-dir']),
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;

type DatasetFlags = Omit<CompareDatasetsOptions, 'embedder'> & { embedder?: string; cacheDir?: string };

/**
 * The `compareDatasets` options the shared flags give: the embedder from `--embedder` (behind the
 * embedding cache with `--cache-dir`), progress on stderr unless `--quiet`. `close` releases the
 * embedder.
 */
export function compareOptionsFromFlags(
  values: ParsedValues,
  sources: readonly string[],
): { options: CompareDatasetsOptions; close(): Promise<void> } {
  const {
    embedder: spec = EMBEDDER.embedder.parse(undefined),
    cacheDir,
    ...options
  } = flagValues<DatasetFlags>(values, DATASET_OPTIONS);
  if (cacheDir !== undefined) checkOutputPath(cacheDir, { flag: '--cache-dir', kind: 'folder' });
  const embedder: (Embedder & { close?: () => Promise<void> }) | undefined =
    spec === 'none' ? undefined : createEmbedder(spec, { cacheDir });
  return {
    options: {
      ...options,
      datasets: sources.map(datasetInputFromArgument),
      ...(embedder ? { embedder: withEmbeddingCache(embedder, cacheDir) } : {}),
      onProgress: compareProgressWriter((line) => {
        if (values.quiet !== true) process.stderr.write(`${line}\n`);
      }),
    },
    close: async () => embedder?.close?.(),
  };
}
