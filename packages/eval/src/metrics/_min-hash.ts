import { createRandom } from '@treesynth/core/internal';
import { createSimdMinHash } from './_min-hash-simd.js';

/** murmur3's 32-bit finaliser: a bijection on 32-bit integers that mixes every bit. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over the UTF-16 code units, then mixed: a 32-bit hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/**
 * MinHash signature of a set of 32-bit shingle hashes: for each of the `permutations` hash functions
 * h_p(x) = mix32(x ⊕ s_p) (a random permutation of the 32-bit integers per seed s_p), the minimum
 * over the set. P[sig_A[p] = sig_B[p]] = Jaccard(A, B).
 */
export function minHashSignature(
  shingles: Uint32Array,
  seeds: Uint32Array,
  out: Uint32Array,
  offset: number,
): void {
  // mix32 inlined, one permutation at a time, on int32 values: x ^ 0x80000000 orders int32s as the
  // unsigned values x (so the minimum stays a small integer rather than a heap number).
  const permutations = seeds.length;
  for (let p = 0; p < permutations; p++) {
    const seed = seeds[p]! | 0;
    let least = 0x7fffffff;
    for (let s = 0; s < shingles.length; s++) {
      let h = shingles[s]! ^ seed;
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
      h ^= 0x80000000;
      if (h < least) least = h;
    }
    out[offset + p] = (least ^ 0x80000000) >>> 0;
  }
}

/**
 * LSH banding for a Jaccard threshold t: b bands of r rows of the signature; a pair of similarity s
 * shares at least one band, and becomes a candidate, with probability P(s) = 1 − (1 − s^r)^b. Since
 * candidates are then checked exactly, spurious ones only cost time and missed ones lose recall, so
 * the rule is: the largest r (fewest spurious candidates) with b = ⌊permutations / r⌋ and
 * P(t) ≥ `recall`. For 128 permutations at t = 0.8: r = 7, b = 18, P(0.8) = 0.986, P(0.9) ≈ 1,
 * P(0.5) = 0.13, P(0.3) = 0.004.
 */
export function lshBanding(
  threshold: number,
  permutations: number,
  recall = 0.98,
): { bands: number; rows: number } {
  for (let rows = permutations; rows > 1; rows--) {
    const bands = Math.floor(permutations / rows);
    if (1 - (1 - threshold ** rows) ** bands >= recall) return { bands, rows };
  }
  return { bands: permutations, rows: 1 };
}

/** Jaccard similarity of two sorted sets of distinct integers. */
export function sortedJaccard(a: Uint32Array, b: Uint32Array): number {
  if (a.length === 0 && b.length === 0) return 1;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      shared++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return shared / (a.length + b.length - shared);
}

/**
 * Whether `sortedJaccard(a, b) >= threshold`, the same decision, stopping as soon as the shared
 * count cannot reach the least s with s / (|a| + |b| − s) ≥ threshold (that ratio, rounded, only
 * grows with s), so a dissimilar pair costs a few steps of the merge rather than all of them.
 */
export function sortedJaccardAtLeast(a: Uint32Array, b: Uint32Array, threshold: number): boolean {
  const total = a.length + b.length;
  if (total === 0) return 1 >= threshold;
  const most = Math.min(a.length, b.length);
  const ratio = (shared: number) => shared / (total - shared);
  let needed = Math.max(0, Math.min(most, Math.ceil((threshold * total) / (1 + threshold))));
  while (needed > 0 && ratio(needed - 1) >= threshold) needed--;
  while (needed <= most && ratio(needed) < threshold) needed++;
  if (needed > most) return false;
  let i = 0;
  let j = 0;
  let shared = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! === b[j]!) {
      shared++;
      i++;
      j++;
    } else {
      if (a[i]! < b[j]!) i++;
      else j++;
      if (shared + Math.min(a.length - i, b.length - j) < needed) return false;
    }
  }
  return shared >= needed;
}

/** Sorted distinct values of 32-bit hashes (a shingle set). */
export function sortedDistinct(hashes: readonly number[]): Uint32Array {
  const sorted = Uint32Array.from(hashes).sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[unique++] = sorted[i]!;
  return sorted.slice(0, unique);
}

/**
 * Shingle set of a token sequence: sorted distinct hashes of each run of `size` tokens joined by a
 * space (a sequence shorter than `size` is one shingle, so a short text still has a set).
 */
export function wordShingleSet(tokens: readonly string[], size: number): Uint32Array {
  const hashes: number[] = [];
  if (tokens.length < size) hashes.push(joinedHash(tokens, 0, tokens.length));
  else for (let i = 0; i + size <= tokens.length; i++) hashes.push(joinedHash(tokens, i, size));
  return sortedDistinct(hashes);
}

/** `hashString(tokens.slice(start, start + count).join(' '))` without building the string. */
export function joinedHash(tokens: readonly string[], start: number, count: number): number {
  let h = 0x811c9dc5;
  for (let k = start; k < start + count; k++) {
    if (k > start) h = Math.imul(h ^ 0x20, 0x01000193);
    const token = tokens[k]!;
    for (let i = 0; i < token.length; i++) h = Math.imul(h ^ token.charCodeAt(i), 0x01000193);
  }
  return mix32(h);
}

/**
 * MinHash signatures of n shingle sets, row-major (n × permutations), with per-permutation seeds
 * drawn from `createRandom(`${seed}:min-hash`)`: the same seed gives the same signatures. On the
 * WebAssembly SIMD kernel where the runtime has it (`_min-hash-simd.ts`, the same values), else
 * `minHashSignature`.
 */
export function minHashSignatures(
  sets: readonly Uint32Array[],
  permutations: number,
  seed: number | string,
  options: { scalar?: boolean } = {},
): Uint32Array {
  const random = createRandom(`${seed}:min-hash`);
  const seeds = Uint32Array.from({ length: permutations }, () => Math.floor(random() * 2 ** 32));
  const signatures = new Uint32Array(sets.length * permutations);
  const simd = options.scalar || permutations === 0 ? null : createSimdMinHash(seeds);
  sets.forEach((set, i) => {
    if (simd) simd(set, signatures, i * permutations);
    else minHashSignature(set, seeds, signatures, i * permutations);
  });
  return signatures;
}

/** Largest group of rows sharing an LSH bucket whose pairs are all visited; larger ones get a window. */
export const BUCKET_WINDOW = 64;

/**
 * LSH candidate pairs: for each of `bands` bands of `rows` signature values, rows whose band values
 * hash to the same 53-bit key share a bucket; `visit(a, b)` is called for the pairs in each bucket
 * (within a bucket all pairs, or each row with the BUCKET_WINDOW rows before it in larger ones).
 * Buckets keep row order (a stable sort), so the pairs visited depend only on the signatures and their
 * order; a pair sharing several bands is visited once per band. Cost O(n·b·log n) plus the visits.
 */
export function forEachCandidatePair(
  signatures: Uint32Array,
  permutations: number,
  banding: { bands: number; rows: number },
  visit: (a: number, b: number) => void,
): void {
  const n = signatures.length / permutations;
  const { bands, rows } = banding;
  const keys = new Float64Array(n);
  const sorted = new Float64Array(n);
  for (let band = 0; band < bands; band++) {
    for (let i = 0; i < n; i++) {
      // Equal keys are candidates (collisions only add checks).
      keys[i] = runKey53(signatures, i * permutations + band * rows, rows, band);
    }
    // Only keys held by two rows or more make a bucket: found on a sorted copy (a numeric sort, no
    // comparator), then filled with their rows in row order; a Map keeps the keys' ascending order.
    sorted.set(keys);
    sorted.sort();
    const buckets = new Map<number, number[]>();
    for (let i = 1; i < n; i++)
      if (sorted[i] === sorted[i - 1] && !buckets.has(sorted[i]!)) buckets.set(sorted[i]!, []);
    if (buckets.size === 0) continue;
    for (let i = 0; i < n; i++) buckets.get(keys[i]!)?.push(i);
    for (const bucket of buckets.values()) {
      for (let i = 1; i < bucket.length; i++) {
        for (let j = Math.max(0, i - BUCKET_WINDOW); j < i; j++) visit(bucket[j]!, bucket[i]!);
      }
    }
  }
}

/**
 * A 53-bit key (a safe integer, usable as a Map key) of `count` 32-bit values from `start`, from two
 * differently seeded mixing chains; `salt` gives independent keys for the same values (LSH bands).
 * Two different runs share a key with probability about 2⁻⁵³.
 */
export function runKey53(values: ArrayLike<number>, start: number, count: number, salt = 0): number {
  let high = 0x9e3779b9 ^ salt;
  let low = 0x7f4a7c15 ^ salt;
  for (let k = start; k < start + count; k++) {
    const value = values[k]!;
    high = mix32(high ^ value);
    low = mix32(Math.imul(low, 31) ^ value);
  }
  return (high >>> 11) * 2 ** 32 + (low >>> 0);
}
