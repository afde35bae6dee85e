import { ConfigError } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import { keywordEmbedder } from './_test-trees.fixture.js';
import { dot, unit } from './_vectors.js';
import { combineEmbedders } from './combine-embedders.js';

describe('combineEmbedders', () => {
  it('concatenates unit parts scaled by √weight: dot products are weighted sums of cosines', async () => {
    const first = keywordEmbedder(['apple', 'banana'], 1);
    const second = keywordEmbedder(['red', 'green', 'apple']);
    const combined = combineEmbedders([{ embedder: first, weight: 3 }, { embedder: second }]);
    expect(combined.dimensions).toBe(3 + 4);
    const texts = ['red apple', 'green banana'];
    const [a, b] = (await combined.doEmbed({ values: texts })).embeddings;
    const [a1, b1] = (await first.doEmbed({ values: texts })).embeddings.map(unit);
    const [a2, b2] = (await second.doEmbed({ values: texts })).embeddings.map(unit);
    expect(dot(a!, b!)).toBeCloseTo(3 * dot(a1!, b1!) + dot(a2!, b2!), 6);
    expect(dot(a!, a!)).toBeCloseTo(4, 6);
  });
  it('refuses an empty list and a weight that is not positive', () => {
    expect(() => combineEmbedders([])).toThrow(ConfigError);
    expect(() => combineEmbedders([{ embedder: keywordEmbedder(['a']), weight: 0 }])).toThrow(
      'embedders.0.weight: expected a number > 0, got 0',
    );
  });
});
