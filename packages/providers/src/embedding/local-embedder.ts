import { isAbsolute, resolve } from 'node:path';
import { ConfigError, type Embedder, type EmbedOptions, type EmbedResult } from '@treesynth/core';
import type * as EmbeddersModule from '@treesynth/embedders';

/** The optional package that holds the heavy local encoders; loaded only when a spec names one. */
export const EMBEDDERS_PACKAGE = '@treesynth/embedders';

export type LocalEmbedderKind = 'use-lite' | 'glove-sif' | 'transformers';

export type LoadEmbedders = () => Promise<typeof EmbeddersModule>;

const loadEmbedders: LoadEmbedders = () => import('@treesynth/embedders');

/**
 * What each local embedder is known as before its package loads (the cache key and the balance
 * manifest read these at once), and how to make it. Checked against the real embedder on load.
 */
function localEmbedderPlan(
  kind: LocalEmbedderKind,
  argument: string,
  cacheDir: string | undefined,
): Pick<Embedder, 'modelId' | 'dimensions' | 'maxEmbeddingsPerCall'> & {
  create: (module: typeof EmbeddersModule) => Embedder & { close?: () => Promise<void> };
} {
  switch (kind) {
    case 'use-lite':
      return {
        modelId: 'universal-sentence-encoder-lite',
        dimensions: 512,
        maxEmbeddingsPerCall: 4096,
        create: (module) => module.createUseLiteEmbedder(),
      };
    case 'glove-sif':
      return {
        modelId: 'wink-glove-100d-sif-0.001',
        dimensions: 100,
        maxEmbeddingsPerCall: 4096,
        create: (module) => module.createGloveSifEmbedder(),
      };
    case 'transformers': {
      const model = argument || 'Xenova/all-MiniLM-L6-v2';
      return {
        modelId: isAbsolute(model) || model.startsWith('.') ? resolve(model) : model,
        maxEmbeddingsPerCall: 32,
        create: (module) => module.createTransformersEmbedder({ model, cacheDir }),
      };
    }
  }
}

function isMissingPackage(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof message !== 'string' || !message.includes(EMBEDDERS_PACKAGE)) return false;
  return code === 'ERR_MODULE_NOT_FOUND' || /cannot find (package|module)|failed to load/i.test(message);
}

/**
 * A local embedder from @treesynth/embedders behind a light wrapper: nothing is imported until the
 * first `doEmbed`, so @treesynth/providers stays small for users of endpoints only. Without the
 * package, that call fails with a ConfigError that says how to add it.
 */
export function createLocalEmbedder(
  kind: LocalEmbedderKind,
  options: { argument?: string; cacheDir?: string; load?: LoadEmbedders } = {},
): Embedder & { close(): Promise<void> } {
  const { create, ...known } = localEmbedderPlan(kind, options.argument ?? '', options.cacheDir);
  const load = options.load ?? loadEmbedders;
  let inner: Promise<Embedder & { close?: () => Promise<void> }> | undefined;

  const ready = () => {
    inner ??= load().then(
      (module) => {
        const embedder = create(module);
        if (embedder.provider !== kind || embedder.modelId !== known.modelId)
          throw new Error(
            `${kind}: ${EMBEDDERS_PACKAGE} made ${embedder.provider}/${embedder.modelId}, expected ${kind}/${known.modelId}; install matching versions of @treesynth/providers and ${EMBEDDERS_PACKAGE}`,
          );
        return embedder;
      },
      (error: unknown) => {
        inner = undefined;
        if (!isMissingPackage(error)) throw error;
        throw new ConfigError({
          path: 'embedder',
          message: `the ${kind} embedder needs ${EMBEDDERS_PACKAGE}: pnpm add ${EMBEDDERS_PACKAGE}`,
          cause: error,
        });
      },
    );
    return inner;
  };

  return {
    specificationVersion: 'v1',
    provider: kind,
    ...known,
    async doEmbed(embedOptions: EmbedOptions): Promise<EmbedResult> {
      return (await ready()).doEmbed(embedOptions);
    },
    async close() {
      const loaded = inner ? await inner.catch(() => undefined) : undefined;
      inner = undefined;
      await loaded?.close?.();
    },
  };
}
