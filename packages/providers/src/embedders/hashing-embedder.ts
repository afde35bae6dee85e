import { ConfigError, type EmbedOptions, type EmbedResult, throwIfAborted } from '@treesynth/core';
import type { ClosableEmbedder } from './closable-embedder.js';
import { l2Normalize } from './vector-math.js';

export interface HashingEmbedderOptions {
  /** Vector length (default 1024). Any whole number from 8; powers of two spread features best. */
  dimensions?: number;
  /**
   * How much each feature family counts. Each family is L2-normalised on its own before the weighted
   * sum, so the balance does not shift with text length. Default: words 1, word bigrams 0.5, chars 1.
   */
  weights?: { words?: number; bigrams?: number; chars?: number };
}

const DEFAULT_DIMENSIONS = 1024;
const WORD = /[\p{L}\p{N}]+/gu;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const SEED_WORD = 0x5bd1e995;
const SEED_BIGRAM = 0x27d4eb2f;
const SEED_CHARS = 0x165667b1;

/** Murmur3's 32-bit finaliser: spreads FNV's weak low bits over the whole word. */
function mix(hash: number): number {
  let value = hash;
  value ^= value >>> 16;
  value = Math.imul(value, 0x85ebca6b);
  value ^= value >>> 13;
  value = Math.imul(value, 0xc2b2ae35);
  value ^= value >>> 16;
  return value >>> 0;
}

/**
 * Counts of 32-bit feature hashes: open addressing over typed arrays, cleared by visiting only the slots
 * in use. Several times faster than a Map for the few hundred features of a sentence.
 */
class FeatureCounts {
  private keys = new Uint32Array(1024);
  private counts = new Uint32Array(1024);
  private slots: number[] = [];

  get size(): number {
    return this.slots.length;
  }

  add(hash: number): void {
    if (this.slots.length * 2 >= this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    // Slot 0 of `counts` marks an empty slot; keys may be any value.
    let slot = hash & mask;
    while (this.counts[slot] !== 0 && this.keys[slot] !== hash) slot = (slot + 1) & mask;
    if (this.counts[slot] === 0) {
      this.keys[slot] = hash;
      this.slots.push(slot);
    }
    this.counts[slot]!++;
  }

  /**
   * Adds every feature into bucket `hash % buckets.length`, signed by the hash's top bit and dampened to
   * 1 + ln(count), and lists each bucket it touches once in `touched` (flagged in `marks`); returns how
   * many it listed. Empties the table.
   */
  drainInto(buckets: Float64Array, touched: Uint32Array, marks: Uint8Array): number {
    let listed = 0;
    for (const slot of this.slots) {
      const hash = this.keys[slot]!;
      const index = hash % buckets.length;
      const value = 1 + Math.log(this.counts[slot]!);
      buckets[index]! += hash & 0x80000000 ? -value : value;
      if (marks[index] === 0) {
        marks[index] = 1;
        touched[listed++] = index;
      }
      this.counts[slot] = 0;
    }
    this.slots.length = 0;
    return listed;
  }

  private grow(): void {
    const entries = this.slots.map((slot) => [this.keys[slot]!, this.counts[slot]!] as const);
    this.keys = new Uint32Array(this.keys.length * 2);
    this.counts = new Uint32Array(this.counts.length * 2);
    this.slots = [];
    const mask = this.keys.length - 1;
    for (const [hash, count] of entries) {
      let slot = hash & mask;
      while (this.counts[slot] !== 0) slot = (slot + 1) & mask;
      this.keys[slot] = hash;
      this.counts[slot] = count;
      this.slots.push(slot);
    }
  }
}

/**
 * Feature hashing ("the hashing trick") with no model and no dependency: word unigrams, word bigrams and
 * character 3-5-grams of each word (with its boundaries, like scikit-learn's `char_wb`), hashed with a
 * sign bit into `dimensions` buckets; counts are dampened to 1 + ln(tf), each family is L2-normalised,
 * and the weighted sum is L2-normalised. Text is NFKC-normalised and lower-cased first. Deterministic
 * across runs and machines; tens of thousands of sentences per second on one core. It measures surface
 * overlap (shared words and word pieces), not meaning.
 */
export function createHashingEmbedder(options: HashingEmbedderOptions = {}): ClosableEmbedder {
  const dimensions = options.dimensions ?? DEFAULT_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 8) {
    throw new ConfigError({
      path: 'hashing.dimensions',
      message: `must be a whole number >= 8, got ${dimensions}`,
    });
  }
  const wordWeight = options.weights?.words ?? 1;
  const bigramWeight = options.weights?.bigrams ?? 0.5;
  const charWeight = options.weights?.chars ?? 1;
  const words = new FeatureCounts();
  const bigrams = new FeatureCounts();
  const chars = new FeatureCounts();
  const buckets = new Float64Array(dimensions);
  const touched = new Uint32Array(dimensions);
  const marks = new Uint8Array(dimensions);

  /**
   * Adds `weight` times the family's L2-normalised vector to `target`, visiting only the buckets it
   * touched (a sentence touches a few hundred of them); leaves `counts` and the scratch arrays empty.
   */
  const addFamily = (target: Float32Array, counts: FeatureCounts, weight: number): void => {
    const listed = counts.drainInto(buckets, touched, marks);
    let sum = 0;
    for (let position = 0; position < listed; position++) sum += buckets[touched[position]!]! ** 2;
    const scale = sum > 0 ? weight / Math.sqrt(sum) : 0;
    for (let position = 0; position < listed; position++) {
      const index = touched[position]!;
      target[index]! += buckets[index]! * scale;
      buckets[index] = 0;
      marks[index] = 0;
    }
  };

  const embedOne = (text: string): Float32Array => {
    const vector = new Float32Array(dimensions);
    const tokens = text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
    let previous: number | undefined;
    for (const token of tokens) {
      let wordHash = FNV_OFFSET ^ SEED_WORD;
      for (let position = 0; position < token.length; position++)
        wordHash = Math.imul(wordHash ^ token.charCodeAt(position), FNV_PRIME);
      words.add(mix(wordHash));
      if (previous !== undefined)
        bigrams.add(mix(Math.imul(previous, 0x9e3779b1) ^ wordHash ^ SEED_BIGRAM));
      previous = wordHash;
      // Character n-grams of " token ": the spaces mark where a word starts and ends.
      const length = token.length + 2;
      for (let start = 0; start + 3 <= length; start++) {
        let hash = FNV_OFFSET ^ SEED_CHARS;
        for (let end = start; end < start + 5 && end < length; end++) {
          const code = end === 0 || end === length - 1 ? 32 : token.charCodeAt(end - 1);
          hash = Math.imul(hash ^ code, FNV_PRIME);
          if (end - start >= 2) chars.add(mix(hash ^ (end - start)));
        }
      }
    }
    addFamily(vector, words, wordWeight);
    addFamily(vector, bigrams, bigramWeight);
    addFamily(vector, chars, charWeight);
    return l2Normalize(vector);
  };

  return {
    specificationVersion: 'v1',
    provider: 'hashing',
    modelId: `hashing-v1-${dimensions}d-w${wordWeight}-b${bigramWeight}-c${charWeight}`,
    dimensions,
    maxEmbeddingsPerCall: 4096,
    async doEmbed({ values, signal }: EmbedOptions): Promise<EmbedResult> {
      throwIfAborted(signal);
      return { embeddings: values.map(embedOne) };
    },
    async close() {},
  };
}
