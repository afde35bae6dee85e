import { createRandom } from '@treesynth/core/internal';
import { hashString, lshBanding, minHashSignature, mix32, sortedJaccard } from './_min-hash.js';
import { tokenizeWords } from './tokenize-words.js';

export interface DuplicateRatesOptions {
  /** Jaccard similarity of word shingles at which two texts are near-duplicates; default 0.8. */
  threshold?: number;
  /** MinHash permutations; default 128. */
  permutations?: number;
  /** Words per shingle; default 3. */
  shingleSize?: number;
  /** Default 0. */
  seed?: number | string;
}

export interface DuplicateRates {
  /** Texts identical (after normalisation) to an earlier text, as a fraction of all; lower is more diverse. */
  exactDuplicateRate: number;
  exactDuplicates: number;
  /** Texts a near-duplicate deduplication would drop, (n − groups) / n; lower is more diverse. */
  nearDuplicateRate: number;
  nearDuplicates: number;
  /** Texts with at least one near-duplicate, as a fraction. */
  textsWithNearDuplicate: number;
  /** Candidate pairs from LSH checked against the threshold. */
  candidatePairs: number;
  bands: number;
  rowsPerBand: number;
}

/** Largest group of texts sharing an LSH bucket whose pairs are all checked; larger ones get a window. */
const BUCKET_WINDOW = 64;

/** The normalisation for exact duplicates: NFKC, lower case, whitespace runs to one space, trimmed. */
export function normalizeForDuplicates(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Exact and near-duplicate rates.
 *
 * Exact: texts equal after `normalizeForDuplicates`. Near: texts whose sets of word shingles (runs
 * of `shingleSize` word or number tokens of `tokenizeWords`, punctuation dropped; a shorter text is
 * one shingle) have Jaccard similarity ≥ threshold. Candidates come from MinHash signatures
 * (`permutations` hash functions) split into LSH bands so that a pair right at the threshold is a
 * candidate with probability ≥ 0.98 (`lshBanding`; for 128 permutations at 0.8, 18 bands of 7 rows:
 * 0.986 at Jaccard 0.8, ≈ 1 at 0.9, 0.13 at 0.5). Every candidate pair is then
 * checked on its actual shingle sets (32-bit shingle hashes), so there are no false positives; pairs
 * never sharing a band are missed. Near-duplicates are grouped transitively (union-find).
 *
 * Cost O(n·s·permutations) for signatures of s shingles, O(n·b·log n) for the buckets, plus the
 * checks: within a bucket all pairs are checked, or each text against the 64 before it in larger ones.
 */
export function duplicateRates(
  texts: readonly string[],
  options: DuplicateRatesOptions = {},
): DuplicateRates {
  const threshold = options.threshold ?? 0.8;
  const permutations = options.permutations ?? 128;
  const shingleSize = options.shingleSize ?? 3;
  const n = texts.length;

  const exactDuplicates = countExactDuplicates(texts);

  const shingles = texts.map((text) => shingleHashes(text, shingleSize));
  const random = createRandom(`${options.seed ?? 0}:min-hash`);
  const seeds = Uint32Array.from({ length: permutations }, () => Math.floor(random() * 2 ** 32));
  const { bands, rows } = lshBanding(threshold, permutations);
  // Each text's band keys (53 bits of two hashes of its signature's rows in the band; equal keys are
  // candidates, collisions only add checks), kept instead of the signatures.
  const bandKeys = new Float64Array(bands * n);
  const signature = new Uint32Array(permutations);
  shingles.forEach((set, i) => {
    minHashSignature(set, seeds, signature, 0);
    for (let band = 0; band < bands; band++) {
      let high = 0x9e3779b9 ^ band;
      let low = 0x7f4a7c15 ^ band;
      for (let r = 0; r < rows; r++) {
        const value = signature[band * rows + r]!;
        high = mix32(high ^ value);
        low = mix32(Math.imul(low, 31) ^ value);
      }
      bandKeys[band * n + i] = (high >>> 11) * 2 ** 32 + low;
    }
  });

  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[i] !== root) {
      const next = parent[i]!;
      parent[i] = root;
      i = next;
    }
    return root;
  };
  const hasNear = new Uint8Array(n);
  let candidatePairs = 0;
  const check = (a: number, b: number) => {
    if (find(a) === find(b)) return;
    candidatePairs++;
    if (sortedJaccard(shingles[a]!, shingles[b]!) < threshold) return;
    hasNear[a] = 1;
    hasNear[b] = 1;
    parent[find(a)] = find(b);
  };

  for (let band = 0; band < bands; band++) {
    // Buckets of equal keys in increasing key order, each in increasing text order.
    for (const bucket of sharedKeyBuckets(bandKeys.subarray(band * n, (band + 1) * n))) {
      for (let i = 1; i < bucket.length; i++) {
        for (let j = Math.max(0, i - BUCKET_WINDOW); j < i; j++) check(bucket[j]!, bucket[i]!);
      }
    }
  }

  const groups = new Set<number>();
  let withNear = 0;
  for (let i = 0; i < n; i++) {
    groups.add(find(i));
    withNear += hasNear[i]!;
  }
  return {
    exactDuplicateRate: n > 0 ? exactDuplicates / n : Number.NaN,
    exactDuplicates,
    nearDuplicateRate: n > 0 ? (n - groups.size) / n : Number.NaN,
    nearDuplicates: n - groups.size,
    textsWithNearDuplicate: n > 0 ? withNear / n : Number.NaN,
    candidatePairs,
    bands,
    rowsPerBand: rows,
  };
}

/** Sorted distinct 32-bit hashes of a text's word shingles: `hashString` of the shingle's words joined by spaces. */
function shingleHashes(text: string, size: number): Uint32Array {
  // Tokens are words, numbers or single punctuation characters: only the last can lack a letter or digit.
  const words = tokenizeWords(text).filter((token) => token.length > 1 || /[\p{L}\p{N}]/u.test(token));
  const count = words.length < size ? 1 : words.length - size + 1;
  const width = Math.min(size, words.length);
  const sorted = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    // FNV-1a over the joined words' code units without building the string, as `hashString` does.
    let h = 0x811c9dc5;
    for (let k = 0; k < width; k++) {
      if (k > 0) h = Math.imul(h ^ 0x20, 0x01000193);
      const word = words[i + k]!;
      for (let c = 0; c < word.length; c++) h = Math.imul(h ^ word.charCodeAt(c), 0x01000193);
    }
    sorted[i] = mix32(h);
  }
  sorted.sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!;
  return sorted.slice(0, unique);
}

/** The texts that share a key with another, grouped: groups in increasing key order, texts in order. */
function sharedKeyBuckets(keys: Float64Array): number[][] {
  const sorted = Float64Array.from(keys).sort();
  const shared = new Map<number, number[]>();
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i] === sorted[i - 1] && !shared.has(sorted[i]!)) shared.set(sorted[i]!, []);
  if (shared.size === 0) return [];
  keys.forEach((key, text) => {
    shared.get(key)?.push(text);
  });
  return [...shared.keys()].map((key) => shared.get(key)!);
}

/**
 * Texts equal after `normalizeForDuplicates` to an earlier text: grouped by a 53-bit hash of the
 * normalised text, and only texts sharing a hash compared as strings, so the texts are not all held
 * twice.
 */
function countExactDuplicates(texts: readonly string[]): number {
  const hashes = new Float64Array(texts.length);
  texts.forEach((text, i) => {
    const normalized = normalizeForDuplicates(text);
    hashes[i] = (hashString(normalized) >>> 11) * 2 ** 32 + hashString(`\u0001${normalized}`);
  });
  let duplicates = 0;
  for (const bucket of sharedKeyBuckets(hashes)) {
    const distinct = new Set(bucket.map((i) => normalizeForDuplicates(texts[i]!)));
    duplicates += bucket.length - distinct.size;
  }
  return duplicates;
}
