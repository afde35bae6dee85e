import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ConfigError, type Embedder } from '@treesynth/core';
import * as embedders from '@treesynth/embedders';
import { writeEmbeddingTableModel } from '@treesynth/embedders/internal';
import { describe, expect, it } from 'vitest';
import { createEmbedder } from './create-embedder.js';
import { createLocalEmbedder, type LoadEmbedders } from './local-embedder.js';

const pick = ({ provider, modelId, dimensions, maxEmbeddingsPerCall }: Embedder) => ({
  provider,
  modelId,
  dimensions,
  maxEmbeddingsPerCall,
});

describe('createEmbedder with the local embedders of @treesynth/embedders', () => {
  it('names each local embedder as the package does, before loading it', () => {
    const folder = mkdtempSync(join(tmpdir(), 'local-model-'));
    const pairs = [
      [createEmbedder('use-lite'), embedders.createUseLiteEmbedder()],
      [createEmbedder('glove-sif'), embedders.createGloveSifEmbedder()],
      [createEmbedder('transformers'), embedders.createTransformersEmbedder()],
      [
        createEmbedder('transformers:Xenova/bge-small-en-v1.5'),
        embedders.createTransformersEmbedder({ model: 'Xenova/bge-small-en-v1.5' }),
      ],
      [createEmbedder(`transformers:${folder}`), embedders.createTransformersEmbedder({ model: folder })],
    ];
    for (const [lazy, real] of pairs) expect(pick(lazy!)).toEqual(pick(real!));
  });

  it('loads the package on first use and embeds through it', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'local-model-'));
    const table = Float32Array.from({ length: 4 * 3 }, (_, index) => index + 1);
    writeEmbeddingTableModel(folder, {
      tokens: ['[PAD]', '[UNK]', 'red', 'blue'],
      table,
      dimensions: 3,
    });
    const lazy = createEmbedder(`transformers:${folder}`) as ReturnType<typeof createLocalEmbedder>;
    const direct = embedders.createTransformersEmbedder({ model: folder });
    const values = ['red blue', 'blue', 'green'];
    const [got, expected] = await Promise.all([lazy.doEmbed({ values }), direct.doEmbed({ values })]);
    expect(got.embeddings.map((vector) => Array.from(vector))).toEqual(
      expected.embeddings.map((vector) => Array.from(vector)),
    );
    // 'blue' is row 3 = [10, 11, 12], normalised.
    const norm = Math.hypot(10, 11, 12);
    [10, 11, 12].forEach((value, dim) => {
      expect(got.embeddings[1]![dim]).toBeCloseTo(value / norm, 6);
    });
    await lazy.close();
  }, 60_000);

  it('without the package, a spec that names a local embedder fails with how to add it', async () => {
    // A module in a folder with no node_modules: its import of the package fails as in an install
    // that depends on @treesynth/providers alone.
    const folder = mkdtempSync(join(tmpdir(), 'no-embedders-'));
    const probe = join(folder, 'load.mjs');
    writeFileSync(probe, "export const load = () => import('@treesynth/embedders');\n");
    const { load } = (await import(pathToFileURL(probe).href)) as { load: LoadEmbedders };
    for (const kind of ['use-lite', 'glove-sif', 'transformers'] as const) {
      const embedder = createLocalEmbedder(kind, { load });
      const error = await embedder.doEmbed({ values: ['x'] }).catch((caught: unknown) => caught);
      expect(ConfigError.isInstance(error)).toBe(true);
      expect((error as ConfigError).path).toBe('embedder');
      expect((error as Error).message).toBe(
        `embedder: the ${kind} embedder needs @treesynth/embedders: pnpm add @treesynth/embedders`,
      );
      await embedder.close();
    }
  });

  it('any other load failure is passed on as it is', async () => {
    const broken = new Error('onnxruntime: bad build');
    const embedder = createLocalEmbedder('use-lite', { load: () => Promise.reject(broken) });
    await expect(embedder.doEmbed({ values: ['x'] })).rejects.toBe(broken);
  });

  it('is an optional peer of @treesynth/providers, so an install of providers does not pull it in', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    expect(Object.keys(manifest.dependencies)).not.toContain('@treesynth/embedders');
    expect(Object.keys(manifest.dependencies)).not.toContain('@huggingface/transformers');
    expect(manifest.peerDependenciesMeta['@treesynth/embedders']?.optional).toBe(true);
  });
});
