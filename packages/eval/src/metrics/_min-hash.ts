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
  const permutations = seeds.length;
  for (let p = 0; p < permutations; p++) out[offset + p] = 0xffffffff;
  for (let s = 0; s < shingles.length; s++) {
    const shingle = shingles[s]!;
    for (let p = 0; p < permutations; p++) {
      const value = mix32(shingle ^ seeds[p]!);
      if (value < out[offset + p]!) out[offset + p] = value;
    }
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
