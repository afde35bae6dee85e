import { createRandom, wordTokens } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { createHashingEmbedder, hashingEmbedder } from './hashing-embedder.js';

function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The embedder as first written: every feature string built and hashed, counted in a Map. */
function referenceEmbedding(text: string, dimensions: number): Float32Array {
  const counts = new Map<string, number>();
  const add = (feature: string) => counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const words = wordTokens(text);
  for (let index = 0; index < words.length; index++) {
    const word = words[index]!;
    add(`w:${word}`);
    if (index > 0) add(`b:${words[index - 1]} ${word}`);
    const marked = `<${word}>`;
    for (let size = 3; size <= 5; size++) {
      for (let start = 0; start + size <= marked.length; start++)
        add(`c:${marked.slice(start, start + size)}`);
    }
  }
  const vector = new Float32Array(dimensions);
  for (const [feature, count] of counts) {
    const bucket = fnv1a(feature, 0) % dimensions;
    const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
    vector[bucket]! += sign * (1 + Math.log(count));
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let index = 0; index < dimensions; index++) vector[index]! /= norm;
  return vector;
}

/**
 * Texts with repeated words, bigrams and character grams, capitals, accents (a text with one is read
 * through `wordTokens`), apostrophes, digits, punctuation inside words, empty ones.
 */
function corpus(count: number): string[] {
  const random = createRandom('hashing-corpus');
  const vocabulary = [
    'the',
    'The',
    'THEN',
    'there',
    'a',
    'an',
    "Don't",
    'café',
    'CAFÉ',
    'Ωmega',
    '42',
    '3.5',
    'x',
    'theThe',
    'x_y',
  ];
  for (let i = 0; i < 200; i++) vocabulary.push(`w${Math.floor(random() * 1e6).toString(36)}`);
  const texts = ['', '   ', '!!!', "A-b_c d'e", 'ÀB ab Ab'];
  for (let i = 0; i < count; i++) {
    const length = 1 + Math.floor(random() * 40);
    const words = Array.from({ length }, () => vocabulary[Math.floor(random() ** 2 * vocabulary.length)]!);
    texts.push(`${words.join(random() < 0.5 ? ' ' : ', ')}?`);
  }
  return texts;
}

describe('hashing embedder: one hash per distinct feature', () => {
  it('gives the vectors of hashing every feature afresh, bit for bit', async () => {
    const texts = corpus(400);
    for (const dimensions of [1024, 37]) {
      const expected = texts.map((text) => Array.from(referenceEmbedding(text, dimensions)));
      const embedder = createHashingEmbedder({ dimensions });
      const first = (await embedder.doEmbed({ values: texts })).embeddings.map((v) => Array.from(v));
      // Again, now from the filled tables.
      const second = (await embedder.doEmbed({ values: [...texts].reverse() })).embeddings
        .map((v) => Array.from(v))
        .reverse();
      expect(first).toEqual(expected);
      expect(second).toEqual(expected);
    }
  });

  it('stays exact across resets of a full feature table', async () => {
    const texts = corpus(200);
    const expected = texts.map((text) => Array.from(referenceEmbedding(text, 64)));
    const embedder = hashingEmbedder({ dimensions: 64 }, 50);
    const vectors = (await embedder.doEmbed({ values: texts })).embeddings;
    expect(vectors.map((v) => Array.from(v))).toEqual(expected);
    expect(vectors[5]).toHaveLength(64);
  });
});
