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

/** Whether a UTF-16 code unit below 0x80 is part of a word of `wordTokens` (`[\p{L}\p{N}']`). */
function isAsciiWordChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x39) ||
    code === 0x27
  );
}

/**
 * The features of `createHashingEmbedder`, each string hashed once: every distinct feature gets an
 * integer id (its bucket and sign kept by id), every distinct word an id and the ids of its own
 * features (`w:word`, then its character 3-, 4- and 5-grams), and every word pair the id of its bigram.
 * Words contain no space, so a pair of word ids stands for exactly one `b:prev word` string, and equal
 * ids mean equal strings: counts per id are the counts per feature string.
 *
 * Words are found in open-addressing tables keyed by a hash of their characters and checked
 * character by character, so a word read straight from a text (`findWord` on a range, lower-cased
 * on the fly) needs no string of its own unless it is new.
 */
class FeatureTable {
  private readonly grams = new Map<string, number>();
  private gramSlots = new Int32Array(1 << 12);
  private gramKeys = new Float64Array(1 << 11);
  private gramIds = new Int32Array(1 << 11);
  private gramCount = 0;
  private wordSlots = new Int32Array(1 << 12);
  private wordHashes = new Int32Array(1 << 11);
  private wordTexts: string[] = [];
  wordFeatures: Int32Array[] = [];
  private bigramSlots = new Int32Array(1 << 12);
  private bigramKeys = new Int32Array(1 << 12);
  private bigramIds = new Int32Array(1 << 11);
  private bigramCount = 0;
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
    this.grams.clear();
    this.gramSlots.fill(0);
    this.gramCount = 0;
    this.wordSlots.fill(0);
    this.wordTexts = [];
    this.wordFeatures = [];
    this.bigramSlots.fill(0);
    this.bigramCount = 0;
    this.featureCount = 0;
  }

  /**
   * The feature id of the character gram `marked[start, start + size)`: an ASCII gram (at most 5 code
   * units of 7 bits, and its size) packs exactly into a number below 2³⁸, found in an open-addressing
   * table; any other gram goes through a Map of strings.
   */
  private gram(marked: string, start: number, size: number): number {
    let key = size;
    for (let k = start; k < start + size; k++) {
      const code = marked.charCodeAt(k);
      if (code >= 0x80) return this.stringGram(marked.slice(start, start + size));
      key = key * 128 + code;
    }
    const mask = this.gramSlots.length - 1;
    let slot = mix((key % 0x100000000) ^ mix(Math.floor(key / 0x100000000))) & mask;
    for (; ; slot = (slot + 1) & mask) {
      const held = this.gramSlots[slot]! - 1;
      if (held < 0) break;
      if (this.gramKeys[held] === key) return this.gramIds[held]!;
    }
    // New: hashed as the string `c:${gram}` would be, without building it.
    let hash = 0x811c9dc5 | 0;
    let seeded = (0x811c9dc5 ^ 0x9e3779b9) | 0;
    for (const code of [0x63, 0x3a]) {
      hash = Math.imul(hash ^ code, 0x01000193);
      seeded = Math.imul(seeded ^ code, 0x01000193);
    }
    for (let k = start; k < start + size; k++) {
      const code = marked.charCodeAt(k);
      hash = Math.imul(hash ^ code, 0x01000193);
      seeded = Math.imul(seeded ^ code, 0x01000193);
    }
    const id = this.addHashed(hash >>> 0, seeded);
    const index = this.gramCount++;
    if (index === this.gramIds.length) {
      const ids = new Int32Array(index * 2);
      ids.set(this.gramIds);
      this.gramIds = ids;
      const keys = new Float64Array(index * 2);
      keys.set(this.gramKeys);
      this.gramKeys = keys;
    }
    this.gramKeys[index] = key;
    this.gramIds[index] = id;
    if (2 * (index + 1) > this.gramSlots.length) {
      this.gramSlots = new Int32Array(this.gramSlots.length * 2);
      for (let gram = 0; gram <= index; gram++) this.placeGram(gram, this.gramSlots.length - 1);
    } else this.gramSlots[slot] = index + 1;
    return id;
  }

  private placeGram(gram: number, mask: number): void {
    const key = this.gramKeys[gram]!;
    let slot = mix((key % 0x100000000) ^ mix(Math.floor(key / 0x100000000))) & mask;
    while (this.gramSlots[slot] !== 0) slot = (slot + 1) & mask;
    this.gramSlots[slot] = gram + 1;
  }

  private stringGram(gram: string): number {
    let id = this.grams.get(gram);
    if (id === undefined) {
      id = this.add(`c:${gram}`);
      this.grams.set(gram, id);
    }
    return id;
  }

  private add(feature: string): number {
    return this.addHashed(fnv1a(feature, 0), fnv1a(feature, 0x9e3779b9));
  }

  /** A new feature from its two FNV-1a hashes (unseeded, unsigned; seeded, any sign). */
  private addHashed(hash: number, seeded: number): number {
    const id = this.featureCount++;
    if (id === this.bucket.length) {
      const bucket = new Int32Array(id * 2);
      bucket.set(this.bucket);
      this.bucket = bucket;
      const sign = new Float64Array(id * 2);
      sign.set(this.sign);
      this.sign = sign;
    }
    this.bucket[id] = hash % this.dimensions;
    this.sign[id] = seeded & 1 ? 1 : -1;
    return id;
  }

  /**
   * The id of the word `source[start, end)` with ASCII capitals lower-cased, whose FNV-1a hash of
   * those lower-cased code units is `hash`; a new word gets its features here.
   */
  findWord(source: string, start: number, end: number, hash: number): number {
    const mask = this.wordSlots.length - 1;
    const length = end - start;
    for (let slot = mix(hash) & mask; ; slot = (slot + 1) & mask) {
      const held = this.wordSlots[slot]! - 1;
      if (held < 0) break;
      if (this.wordHashes[held] !== hash) continue;
      const word = this.wordTexts[held]!;
      if (word.length !== length) continue;
      let same = true;
      for (let k = 0; k < length && same; k++) {
        const code = source.charCodeAt(start + k);
        same = (code >= 0x41 && code <= 0x5a ? code | 0x20 : code) === word.charCodeAt(k);
      }
      if (same) return held;
    }
    return this.addWord(lowerAscii(source.slice(start, end)), hash);
  }

  private addWord(word: string, hash: number): number {
    const id = this.wordTexts.length;
    const features: number[] = [this.add(`w:${word}`)];
    const marked = `<${word}>`;
    for (let size = 3; size <= 5; size++) {
      for (let start = 0; start + size <= marked.length; start++) {
        features.push(this.gram(marked, start, size));
      }
    }
    this.wordTexts.push(word);
    this.wordFeatures.push(Int32Array.from(features));
    if (id === this.wordHashes.length) {
      const grown = new Int32Array(id * 2);
      grown.set(this.wordHashes);
      this.wordHashes = grown;
    }
    this.wordHashes[id] = hash;
    if (2 * (id + 1) > this.wordSlots.length) {
      this.wordSlots = new Int32Array(this.wordSlots.length * 2);
      const mask = this.wordSlots.length - 1;
      for (let word = 0; word <= id; word++) this.placeWord(word, mask);
    } else this.placeWord(id, this.wordSlots.length - 1);
    return id;
  }

  private placeWord(word: number, mask: number): void {
    let slot = mix(this.wordHashes[word]!) & mask;
    while (this.wordSlots[slot] !== 0) slot = (slot + 1) & mask;
    this.wordSlots[slot] = word + 1;
  }

  /** The feature id of the bigram of two word ids. */
  bigram(previous: number, word: number): number {
    const mask = this.bigramSlots.length - 1;
    for (let slot = mix(Math.imul(previous, 0x9e3779b1) ^ word) & mask; ; slot = (slot + 1) & mask) {
      const held = this.bigramSlots[slot]! - 1;
      if (held < 0) break;
      if (this.bigramKeys[2 * held] === previous && this.bigramKeys[2 * held + 1] === word)
        return this.bigramIds[held]!;
    }
    const index = this.bigramCount++;
    if (index === this.bigramIds.length) {
      const ids = new Int32Array(index * 2);
      ids.set(this.bigramIds);
      this.bigramIds = ids;
      const keys = new Int32Array(index * 4);
      keys.set(this.bigramKeys);
      this.bigramKeys = keys;
    }
    this.bigramKeys[2 * index] = previous;
    this.bigramKeys[2 * index + 1] = word;
    const id = this.add(`b:${this.wordTexts[previous]} ${this.wordTexts[word]}`);
    this.bigramIds[index] = id;
    if (2 * (index + 1) > this.bigramSlots.length) {
      this.bigramSlots = new Int32Array(this.bigramSlots.length * 2);
      const grownMask = this.bigramSlots.length - 1;
      for (let pair = 0; pair <= index; pair++) this.placeBigram(pair, grownMask);
    } else this.placeBigram(index, mask);
    return id;
  }

  private placeBigram(pair: number, mask: number): void {
    const key = Math.imul(this.bigramKeys[2 * pair]!, 0x9e3779b1) ^ this.bigramKeys[2 * pair + 1]!;
    let slot = mix(key) & mask;
    while (this.bigramSlots[slot] !== 0) slot = (slot + 1) & mask;
    this.bigramSlots[slot] = pair + 1;
  }
}

/** A 32-bit integer's bits mixed (murmur3's finaliser), for table slots. */
function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** ASCII capitals to lower case, other code units kept. */
function lowerAscii(text: string): string {
  return /[A-Z]/.test(text) ? text.replace(/[A-Z]/g, (letter) => letter.toLowerCase()) : text;
}

/** FNV-1a (unseeded, as int32) of `text[start, end)` with ASCII capitals lower-cased. */
function wordHash(text: string, start: number, end: number): number {
  let hash = 0x811c9dc5 | 0;
  for (let k = start; k < end; k++) {
    const code = text.charCodeAt(k);
    hash = Math.imul(hash ^ (code >= 0x41 && code <= 0x5a ? code | 0x20 : code), 0x01000193);
  }
  return hash;
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
  let words = new Int32Array(256);
  let wordCount = 0;
  const pushWord = (id: number) => {
    if (wordCount === words.length) {
      const grown = new Int32Array(words.length * 2);
      grown.set(words);
      words = grown;
    }
    words[wordCount++] = id;
  };
  /**
   * The text's word ids in order: `wordTokens` (lower case, then runs of `[\p{L}\p{N}']`) read
   * straight off an ASCII text, or through `wordTokens` itself when a code unit is not ASCII.
   */
  const readWords = (text: string): void => {
    wordCount = 0;
    const length = text.length;
    let at = 0;
    while (at < length) {
      let code = text.charCodeAt(at);
      if (code >= 0x80) break;
      if (!isAsciiWordChar(code)) {
        at++;
        continue;
      }
      const start = at;
      let hash = 0x811c9dc5 | 0;
      while (at < length) {
        code = text.charCodeAt(at);
        if (code >= 0x80 || !isAsciiWordChar(code)) break;
        hash = Math.imul(hash ^ (code <= 0x5a && code >= 0x41 ? code | 0x20 : code), 0x01000193);
        at++;
      }
      if (code >= 0x80) break;
      pushWord(table.findWord(text, start, at, hash));
    }
    if (at >= length) return;
    wordCount = 0;
    for (const word of wordTokens(text))
      pushWord(table.findWord(word, 0, word.length, wordHash(word, 0, word.length)));
  };
  const embedInto = (text: string, vector: Float32Array, offset: number): void => {
    table.resetIfFull();
    readWords(text);
    let distinct = 0;
    for (let index = 0; index < wordCount; index++) {
      const word = words[index]!;
      const features = table.wordFeatures[word]!;
      const bigram = index > 0 ? table.bigram(words[index - 1]!, word) : -1;
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
      let held = counts[id]!;
      counts[id] = held + 1;
      if (held === 0) seen[distinct++] = id;
      if (bigram >= 0) {
        held = counts[bigram]!;
        counts[bigram] = held + 1;
        if (held === 0) seen[distinct++] = bigram;
      }
      for (let k = 1; k < features.length; k++) {
        id = features[k]!;
        held = counts[id]!;
        counts[id] = held + 1;
        if (held === 0) seen[distinct++] = id;
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
