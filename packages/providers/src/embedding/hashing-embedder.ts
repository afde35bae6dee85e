import type { Embedder, EmbedOptions, EmbedResult } from '@treesynth/core';
import { wordTokens } from '@treesynth/core/internal';

export interface HashingEmbedderOptions {
  /** Vector length (default 1024). */
  dimensions?: number;
}

/** FNV-1a over UTF-16 code units, with a seed, as an unsigned 32-bit integer. */
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** More buckets than this only cost memory: a sample's features fill a tiny share of them. */
export const MAX_HASHING_DIMENSIONS = 65_536;

/**
 * A dependency-free feature-hashing embedder: word unigrams and bigrams plus character 3- to 5-grams
 * of each word (with boundary marks), hashed into `dimensions` buckets with a hashed sign, counts
 * damped by 1 + log(tf), and the vector L2-normalised. Deterministic, no model, tens of thousands of
 * sentences a second: for huge sets, tests, and as a floor to compare real encoders against.
 */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): Embedder {
  const dimensions = options.dimensions ?? 1024;
  if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > MAX_HASHING_DIMENSIONS)
    throw new RangeError(
      `hashing embedder: dimensions must be an integer from 8 to ${MAX_HASHING_DIMENSIONS}`,
    );
  const embedOne = (text: string): Float32Array => {
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
  };
  return {
    specificationVersion: 'v1',
    provider: 'hashing',
    modelId: `hashing-${dimensions}`,
    dimensions,
    maxEmbeddingsPerCall: 4096,
    async doEmbed({ values }: EmbedOptions): Promise<EmbedResult> {
      return { embeddings: values.map(embedOne) };
    },
  };
}
