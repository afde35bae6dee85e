import {
  forEachCandidatePair,
  hashString,
  lshBanding,
  minHashSignatures,
  sortedJaccardAtLeast,
  wordShingleSet,
} from './_min-hash.js';
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
  const signatures = minHashSignatures(shingles, permutations, options.seed ?? 0);
  const { bands, rows } = lshBanding(threshold, permutations);
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
    if (!sortedJaccardAtLeast(shingles[a]!, shingles[b]!, threshold)) return;
    hasNear[a] = 1;
    hasNear[b] = 1;
    parent[find(a)] = find(b);
  };

  forEachCandidatePair(signatures, permutations, { bands, rows }, check);

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

/** Sorted distinct 32-bit hashes of a text's word shingles. */
function shingleHashes(text: string, size: number): Uint32Array {
  return wordShingleSet(tokenizeWords(text).filter(isWordOrNumber), size);
}

/** Whether a token of `tokenizeWords` holds a letter or digit (a word or a number, not punctuation). */
function isWordOrNumber(token: string): boolean {
  const code = token.charCodeAt(0);
  if ((code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39))
    return true;
  // Any other ASCII token is one punctuation or control character.
  return code >= 0x80 && /[\p{L}\p{N}]/u.test(token);
}

/**
 * Texts equal after `normalizeForDuplicates` to an earlier text: grouped by a 53-bit hash of the
 * normalised text, and only texts sharing a hash compared as strings, so the normalised texts are
 * not all held at once (a million rows would hold them twice).
 */
function countExactDuplicates(texts: readonly string[]): number {
  const hashes = new Float64Array(texts.length);
  texts.forEach((text, i) => {
    const normalized = normalizeForDuplicates(text);
    hashes[i] = (hashString(normalized) >>> 11) * 2 ** 32 + hashString(`\u0001${normalized}`);
  });
  const sorted = Float64Array.from(hashes).sort();
  const shared = new Map<number, number[]>();
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i] === sorted[i - 1] && !shared.has(sorted[i]!)) shared.set(sorted[i]!, []);
  if (shared.size === 0) return 0;
  hashes.forEach((hash, text) => {
    shared.get(hash)?.push(text);
  });
  let duplicates = 0;
  for (const bucket of shared.values()) {
    const distinct = new Set(bucket.map((i) => normalizeForDuplicates(texts[i]!)));
    duplicates += bucket.length - distinct.size;
  }
  return duplicates;
}
