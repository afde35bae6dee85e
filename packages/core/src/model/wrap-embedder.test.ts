import { describe, expect, it } from 'vitest';
import type { Embedder, EmbedderMiddleware } from '../spec/embedder.js';
import { wrapEmbedder } from './wrap-embedder.js';

/** An embedder whose vector for a text is [its length, its first char code]; records each call's texts. */
function recordingEmbedder(maxEmbeddingsPerCall: number): Embedder & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    specificationVersion: 'v1',
    provider: 'recording',
    modelId: 'length',
    maxEmbeddingsPerCall,
    batches,
    async doEmbed({ values }) {
      batches.push([...values]);
      return { embeddings: values.map((text) => Float32Array.of(text.length, text.charCodeAt(0))) };
    },
  };
}

describe('wrapEmbedder', () => {
  it('embeds each distinct text once, in batches of maxEmbeddingsPerCall, and keeps the input order', async () => {
    const embedder = recordingEmbedder(2);
    const wrapped = wrapEmbedder({ embedder });
    const values = ['ccc', 'a', 'ccc', 'bb', 'dddd', 'a'];
    const { embeddings } = await wrapped.doEmbed({ values });
    expect(embedder.batches).toEqual([
      ['ccc', 'a'],
      ['bb', 'dddd'],
    ]);
    expect(embeddings.map((vector) => vector[0])).toEqual([3, 1, 3, 2, 4, 1]);
    expect(wrapped).toMatchObject({ provider: 'recording', modelId: 'length' });
  });

  it('runs the middleware outermost first, each seeing every text of the call', async () => {
    const order: string[] = [];
    const tagging = (name: string): EmbedderMiddleware => ({
      async wrapEmbed({ doEmbed, options, embedder }) {
        order.push(`${name}:${embedder.modelId}:${options.values.length}`);
        return doEmbed({ values: options.values.filter((text) => text !== name) });
      },
    });
    const embedder = recordingEmbedder(10);
    const wrapped = wrapEmbedder({ embedder, middleware: [tagging('outer'), tagging('inner')] });
    await wrapped.doEmbed({ values: ['outer', 'inner', 'kept'] });
    expect(order).toEqual(['outer:length:3', 'inner:length:2']);
    expect(embedder.batches).toEqual([['kept']]);
  });

  it('names the embedder when a batch returns the wrong number of vectors', async () => {
    const broken: Embedder = {
      ...recordingEmbedder(5),
      async doEmbed() {
        return { embeddings: [Float32Array.of(1)] };
      },
    };
    await expect(wrapEmbedder({ embedder: broken }).doEmbed({ values: ['a', 'b'] })).rejects.toThrow(
      'recording/length returned 1 vectors for 2 texts',
    );
  });
});
