import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Embedder, embedInBatches } from '@treesynth/core';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedEmbedder } from './cached-embedder.js';
import { createHashingEmbedder } from './hashing-embedder.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-cached-embedder-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The hashing embedder, recording the texts each doEmbed call is given. */
function countingEmbedder(): Embedder & { embedded: string[] } {
  const inner = createHashingEmbedder({ dimensions: 64 });
  const embedded: string[] = [];
  return {
    ...inner,
    maxEmbeddingsPerCall: 2,
    embedded,
    doEmbed(options) {
      embedded.push(...options.values);
      return inner.doEmbed(options);
    },
  };
}

describe('cachedEmbedder', () => {
  it('answers texts embedded before from the cache folder, across instances', async () => {
    const cacheDir = join(work, 'cache');
    const first = countingEmbedder();
    const wrapped = cachedEmbedder(first, cacheDir);
    expect(wrapped).toMatchObject({ provider: first.provider, modelId: first.modelId, dimensions: 64 });
    const texts = ['one apple', 'two pears', 'three plums'];
    const { vectors } = await embedInBatches(wrapped, texts);
    expect(first.embedded).toEqual(texts);

    const second = countingEmbedder();
    const { vectors: again } = await embedInBatches(cachedEmbedder(second, cacheDir), [
      ...texts,
      'four figs',
    ]);
    expect(second.embedded).toEqual(['four figs']);
    for (const text of texts) expect(Array.from(again.get(text)!)).toEqual(Array.from(vectors.get(text)!));
  });
});
