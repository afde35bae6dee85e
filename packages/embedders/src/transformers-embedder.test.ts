import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import { writeTinyEncoder } from './tiny-encoder.fixture.js';
import { createTransformersEmbedder } from './transformers-embedder.js';

describe('transformers embedder on a real ONNX model file', () => {
  it('loads a local folder through transformers.js and mean-pools token vectors', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tiny-encoder-'));
    const dims = 8;
    const { vocab, table } = writeTinyEncoder(folder, ['the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran'], dims);
    const embedder = createTransformersEmbedder({ model: folder, normalize: false, batchSize: 2 });
    const texts = ['The cat sat', 'dog ran on the mat', 'cat zebra'];
    const embeddings = [
      ...(await embedder.doEmbed({ values: texts.slice(0, 2) })).embeddings,
      ...(await embedder.doEmbed({ values: texts.slice(2) })).embeddings,
    ];
    for (const [row, text] of texts.entries()) {
      const ids = text
        .toLowerCase()
        .split(' ')
        .map((word) => vocab.get(word) ?? 1);
      const expected = Array.from(
        { length: dims },
        (_, dim) => ids.reduce((sum, id) => sum + table[id * dims + dim]!, 0) / ids.length,
      );
      expect(Array.from(embeddings[row]!)).toHaveLength(dims);
      embeddings[row]!.forEach((value, dim) => {
        expect(value).toBeCloseTo(expected[dim]!, 5);
      });
    }
  }, 60_000);

  it('a transformers model that is not on disk is a clear error, with no network', async () => {
    const embedder = createTransformersEmbedder({
      model: 'Xenova/all-MiniLM-L6-v2',
      cacheDir: mkdtempSync(join(tmpdir(), 'no-models-')),
    });
    const error = await embedder.doEmbed({ values: ['x'] }).catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(
      /transformers:Xenova\/all-MiniLM-L6-v2: model not found offline; .*--embedder transformers:DIR/,
    );
  }, 30_000);
});
