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

/** 1 + log(count), the damped term frequency, for small counts. */
const DAMPED = Float64Array.from({ length: 64 }, (_, count) => 1 + Math.log(count));

/** Features remembered before the tables start afresh (bounds memory on an endless stream of words). */
const MAX_FEATURES = 1 << 21;

/**
 * The features of `createHashingEmbedder`, each string hashed once: every distinct feature gets an
 * integer id (its bucket and sign kept by id), every distinct word the ids of its own features
 * (`w:word`, then its character 3-, 4- and 5-grams), and every word pair the id of its bigram. Words
 * contain no space, so a pair of word ids stands for exactly one `b:prev word` string, and equal ids
 * mean equal strings: counts per id are the counts per feature string.
 */
class FeatureTable {
  private readonly words = new Map<string, { id: number; features: Int32Array }>();
  private readonly grams = new Map<string, number>();
  private readonly bigrams = new Map<number, number>();
  private wordCount = 0;
  private featureCount = 0;
  bucket = new Int32Array(1024);
  sign = new Float64Array(1024);

  constructor(
    private readonly dimensions: number,
    private readonly maxFeatures: number,
  ) {}

  /** Forget everything once full (ids are only compared within one text: safe between texts). */
  resetIfFull(): void {
    if (this.featureCount < this.maxFeatures) return;
    this.words.clear();
    this.grams.clear();
    this.bigrams.clear();
    this.wordCount = 0;
    this.featureCount = 0;
  }

  private add(feature: string): number {
    const id = this.featureCount++;
    if (id === this.bucket.length) {
      const bucket = new Int32Array(id * 2);
      bucket.set(this.bucket);
      this.bucket = bucket;
      const sign = new Float64Array(id * 2);
      sign.set(this.sign);
      this.sign = sign;
    }
    this.bucket[id] = fnv1a(feature, 0) % this.dimensions;
    this.sign[id] = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
    return id;
  }

  word(word: string): { id: number; features: Int32Array } {
    let entry = this.words.get(word);
    if (entry) return entry;
    const features: number[] = [this.add(`w:${word}`)];
    const marked = `<${word}>`;
    for (let size = 3; size <= 5; size++) {
      for (let start = 0; start + size <= marked.length; start++) {
        const gram = marked.slice(start, start + size);
        let id = this.grams.get(gram);
        if (id === undefined) {
          id = this.add(`c:${gram}`);
          this.grams.set(gram, id);
        }
        features.push(id);
      }
    }
    entry = { id: this.wordCount++, features: Int32Array.from(features) };
    this.words.set(word, entry);
    return entry;
  }

  bigram(previous: string, previousId: number, word: string, wordId: number): number {
    const key = previousId * 2 ** 24 + wordId; // word ids stay below 2²⁴ (the table resets at 2²¹ features)
    let id = this.bigrams.get(key);
    if (id === undefined) {
      id = this.add(`b:${previous} ${word}`);
      this.bigrams.set(key, id);
    }
    return id;
  }
}

/**
 * A dependency-free feature-hashing embedder: word unigrams and bigrams plus character 3- to 5-grams
 * of each word (with boundary marks), hashed into `dimensions` buckets with a hashed sign, counts
 * damped by 1 + log(tf), and the vector L2-normalised. Deterministic, no model, tens of thousands of
 * sentences a second: for huge sets, tests, and as a floor to compare real encoders against.
 *
 * Each distinct feature string is hashed once per embedder (`FeatureTable`) and a call's vectors are
 * views of one Float32Array; the values are those of hashing every feature of every text afresh (the
 * same sums in the same order: features in order of first appearance, float32 buckets).
 */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): Embedder {
  return hashingEmbedder(options, MAX_FEATURES);
}

/** `createHashingEmbedder` with the feature table's size limit as a parameter (tests reach the reset). */
export function hashingEmbedder(options: HashingEmbedderOptions, maxFeatures: number): Embedder {
  const dimensions = options.dimensions ?? 1024;
  if (!Number.isInteger(dimensions) || dimensions < 8 || dimensions > MAX_HASHING_DIMENSIONS)
    throw new RangeError(
      `hashing embedder: dimensions must be an integer from 8 to ${MAX_HASHING_DIMENSIONS}`,
    );
  const table = new FeatureTable(dimensions, maxFeatures);
  // Per text: counts[id] of each feature, and the distinct ids in order of first appearance.
  let counts = new Int32Array(table.bucket.length);
  let seen = new Int32Array(1024);
  const embedInto = (text: string, vector: Float32Array, offset: number): void => {
    table.resetIfFull();
    const words = wordTokens(text);
    let distinct = 0;
    let previousId = -1;
    for (let index = 0; index < words.length; index++) {
      const word = words[index]!;
      const entry = table.word(word);
      const { features } = entry;
      const bigram = previousId < 0 ? -1 : table.bigram(words[index - 1]!, previousId, word, entry.id);
      previousId = entry.id;
      if (counts.length < table.bucket.length) {
        const grown = new Int32Array(table.bucket.length);
        grown.set(counts);
        counts = grown;
      }
      if (seen.length < distinct + features.length + 1) {
        const grown = new Int32Array(2 * (distinct + features.length + 1));
        grown.set(seen);
        seen = grown;
      }
      // w:word, then b:previous word, then the character grams: the order of first appearance.
      let id = features[0]!;
      if (counts[id]++ === 0) seen[distinct++] = id;
      if (bigram >= 0 && counts[bigram]++ === 0) seen[distinct++] = bigram;
      for (let k = 1; k < features.length; k++) {
        id = features[k]!;
        if (counts[id]++ === 0) seen[distinct++] = id;
      }
    }
    const { bucket, sign } = table;
    for (let k = 0; k < distinct; k++) {
      const id = seen[k]!;
      const count = counts[id]!;
      const at = offset + bucket[id]!;
      vector[at] = vector[at]! + sign[id]! * (count < DAMPED.length ? DAMPED[count]! : 1 + Math.log(count));
      counts[id] = 0;
    }
    let norm = 0;
    for (let index = offset; index < offset + dimensions; index++) norm += vector[index]! * vector[index]!;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let index = offset; index < offset + dimensions; index++) vector[index]! /= norm;
  };
  return {
    specificationVersion: 'v1',
    provider: 'hashing',
    modelId: `hashing-${dimensions}`,
    dimensions,
    maxEmbeddingsPerCall: 4096,
    async doEmbed({ values }: EmbedOptions): Promise<EmbedResult> {
      const data = new Float32Array(values.length * dimensions);
      values.forEach((text, row) => {
        embedInto(text, data, row * dimensions);
      });
      return {
        embeddings: values.map((_, row) => data.subarray(row * dimensions, (row + 1) * dimensions)),
      };
    },
  };
}
