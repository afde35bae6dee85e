import { ConfigError, type Embedder } from '@treesynth/core';
import { createOpenAICompatible } from '../openai/openai-compatible-provider.js';
import { createHashingEmbedder, MAX_HASHING_DIMENSIONS } from './hashing-embedder.js';
import { createLocalEmbedder } from './local-embedder.js';

export const EMBEDDER_SPECS = [
  'hashing[:dims]',
  'use-lite',
  'glove-sif',
  'transformers[:hub-id|folder]',
  'openai:<model>',
] as const;

/**
 * The embedder used when none is named and nothing may be downloaded. Chosen by measurement
 * (benchmarks/providers/embedders.ts): feature hashing ties the neural candidates on paraphrase
 * retrieval, routes MATH problems to their subject best (0.47 vs 0.38 for USE-Lite and GloVe-SIF),
 * and is two to three orders of magnitude faster.
 */
export const DEFAULT_OFFLINE_EMBEDDER = 'hashing';

/**
 * An embedder from a short spec: `hashing`, `hashing:512`, `use-lite`, `glove-sif`, `transformers`,
 * `transformers:Xenova/all-MiniLM-L6-v2`, `transformers:/path/to/folder`, `openai:text-embedding-3-small`
 * (the endpoint from OPENAI_BASE_URL / OPENAI_API_KEY, or `baseURL`). `use-lite`, `glove-sif` and
 * `transformers` run locally from the optional package @treesynth/embedders, imported on first use.
 */
export function createEmbedder(
  spec: string,
  settings: { baseURL?: string; apiKey?: string; cacheDir?: string } = {},
): Embedder {
  const [kind, ...rest] = spec.split(':');
  const argument = rest.join(':');
  switch (kind) {
    case 'hashing': {
      const dimensions = argument ? Number(argument) : undefined;
      if (
        dimensions !== undefined &&
        (!/^\d+$/.test(argument) || dimensions < 8 || dimensions > MAX_HASHING_DIMENSIONS)
      ) {
        throw new ConfigError({
          path: 'embedder',
          message: `hashing dimensions must be a whole number from 8 to ${MAX_HASHING_DIMENSIONS}, got "${argument}"`,
        });
      }
      return createHashingEmbedder({ dimensions });
    }
    case 'use-lite':
    case 'glove-sif':
      if (rest.length > 0)
        throw new ConfigError({
          path: 'embedder',
          message: `${kind} takes no ":" argument, got "${spec}"`,
        });
      return createLocalEmbedder(kind, { argument, cacheDir: settings.cacheDir });
    case 'transformers':
      return createLocalEmbedder(kind, { argument, cacheDir: settings.cacheDir });
    case 'openai':
      if (!argument)
        throw new ConfigError({
          path: 'embedder',
          message: 'openai needs a model: openai:text-embedding-3-small',
        });
      return createOpenAICompatible({ baseURL: settings.baseURL, apiKey: settings.apiKey }).embedding(
        argument,
      );
    default:
      throw new ConfigError({
        path: 'embedder',
        message: `unknown embedder "${spec}"; use one of ${EMBEDDER_SPECS.join(', ')}`,
      });
  }
}
