import { existsSync } from 'node:fs';
import type { Embedder } from '@treesynth/core';
import { checkOutputPath } from '@treesynth/core/internal';
import {
  type CompareDatasetsOptions,
  compareDatasetsOptionsSchema,
  type DatasetInput,
} from '@treesynth/eval';
import {
  createEmbedder,
  EMBEDDER_SPECS,
  embedderSpecOptionsSchema,
  withEmbeddingCache,
} from '@treesynth/providers';
import { type OptionSpec, OUTPUT_OPTIONS, type ParsedValues } from './command.js';
import { flagValues, schemaOption } from './schema-options.js';

const FIELDS = compareDatasetsOptionsSchema.shape;
const EMBEDDER = embedderSpecOptionsSchema.shape;

/** The flags `eval diversity` and `report` share. */
export const DATASET_OPTIONS = {
  embedder: schemaOption(EMBEDDER.embedder, {
    value: '<spec>',
    description: `embedder for the embedding metrics: ${EMBEDDER_SPECS.join(', ')}, or none`,
  }),
  field: schemaOption(FIELDS.field, { value: '<name>' }),
  limit: schemaOption(FIELDS.limit),
  seed: schemaOption(FIELDS.seed),
  'cache-dir': schemaOption(EMBEDDER.cacheDir, { value: '<dir>' }),
  json: { ...OUTPUT_OPTIONS.json, description: 'print JSON on stdout instead of the table' },
  quiet: OUTPUT_OPTIONS.quiet,
} satisfies Record<string, OptionSpec>;

/**
 * `name=path` names a dataset in tables and plots; otherwise its folder or file name is used. A
 * prefix is a name only when it has no path separator, so paths containing `=` still work.
 */
function datasetInput(argument: string): DatasetInput {
  const at = argument.indexOf('=');
  if (at > 0) {
    const name = argument.slice(0, at);
    if (!/[\\/]/.test(name) && !existsSync(argument)) return { name, path: argument.slice(at + 1) };
  }
  return { path: argument };
}

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
  let lastIteration = 0;
  return {
    options: {
      ...options,
      datasets: sources.map(datasetInput),
      ...(embedder ? { embedder: withEmbeddingCache(embedder, cacheDir) } : {}),
      onProgress(event) {
        if (values.quiet === true) return;
        if (event.kind === 'tsne-iteration') {
          if (performance.now() - lastIteration < 5000) return;
          lastIteration = performance.now();
        }
        process.stderr.write(`${event.message}\n`);
      },
    },
    close: async () => embedder?.close?.(),
  };
}
