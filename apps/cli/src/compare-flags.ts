import { existsSync } from 'node:fs';
import { type Embedder, wrapEmbedder } from '@treesynth/core';
import { checkOutputPath } from '@treesynth/core/internal';
import {
  type CompareDatasetsOptions,
  compareDatasetsOptionsSchema,
  type DatasetInput,
} from '@treesynth/eval';
import {
  createEmbedder,
  DEFAULT_OFFLINE_EMBEDDER,
  EMBEDDER_SPECS,
  embeddingCacheMiddleware,
} from '@treesynth/providers';
import { type OptionSpec, type ParsedValues, stringOption } from './command.js';
import { schemaNumber, schemaOption } from './schema-options.js';

const FIELDS = compareDatasetsOptionsSchema.shape;

/** The flags `eval diversity` and `report` share. */
export const DATASET_OPTIONS = {
  embedder: {
    type: 'string',
    value: '<spec>',
    description: `embedder for the embedding metrics: ${EMBEDDER_SPECS.join(', ')}, or none`,
    default: DEFAULT_OFFLINE_EMBEDDER,
  },
  field: schemaOption(FIELDS.field, { value: '<name>' }),
  limit: schemaOption(FIELDS.limit),
  seed: schemaOption(FIELDS.seed),
  'cache-dir': {
    type: 'string',
    value: '<dir>',
    description: 'reuse embeddings across calls from this folder',
  },
  json: { type: 'boolean', description: 'print JSON on stdout instead of the table' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr' },
} satisfies Record<string, OptionSpec>;

/**
 * `name=path` names a dataset in tables and plots; otherwise its folder or file name is used. A
 * prefix is a name only when it has no path separator, so paths containing `=` still work.
 */
export function datasetInput(argument: string): DatasetInput {
  const at = argument.indexOf('=');
  if (at > 0) {
    const name = argument.slice(0, at);
    if (!/[\\/]/.test(name) && !existsSync(argument)) return { name, path: argument.slice(at + 1) };
  }
  return { path: argument };
}

/**
 * The `compareDatasets` options the shared flags give: the embedder from `--embedder` (behind the
 * embedding cache with `--cache-dir`), progress on stderr unless `--quiet`. `close` releases the
 * embedder.
 */
export function compareOptionsFromFlags(
  values: ParsedValues,
  sources: readonly string[],
): { options: CompareDatasetsOptions; close(): Promise<void> } {
  const limit = schemaNumber(values, 'limit', FIELDS.limit);
  const seed = schemaNumber(values, 'seed', FIELDS.seed);
  const field = stringOption(values, 'field');
  const cacheDir = stringOption(values, 'cache-dir');
  if (cacheDir !== undefined) checkOutputPath(cacheDir, { flag: '--cache-dir', kind: 'folder' });
  const spec = stringOption(values, 'embedder') ?? DEFAULT_OFFLINE_EMBEDDER;
  const embedder: (Embedder & { close?: () => Promise<void> }) | undefined =
    spec === 'none' ? undefined : createEmbedder(spec, { cacheDir });
  const quiet = values.quiet === true;
  let lastIteration = 0;
  return {
    options: {
      datasets: sources.map(datasetInput),
      ...(embedder
        ? {
            embedder: cacheDir
              ? wrapEmbedder({ embedder, middleware: [embeddingCacheMiddleware({ dir: cacheDir })] })
              : embedder,
          }
        : {}),
      ...(field !== undefined ? { field } : {}),
      ...(limit !== undefined ? { limit } : {}),
      ...(seed !== undefined ? { seed } : {}),
      onProgress(event) {
        if (quiet) return;
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
