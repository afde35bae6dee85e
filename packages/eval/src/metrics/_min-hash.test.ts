import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import {
  BUCKET_WINDOW,
  forEachCandidatePair,
  hashString,
  minHashSignature,
  minHashSignatures,
  mix32,
  runKey53,
  sortedJaccard,
  sortedJaccardAtLeast,
  wordShingleSet,
} from './_min-hash.js';
import { createSimdMinHash } from './_min-hash-simd.js';

/** The kernels as first written, to hold the faster ones to the same output. */
const reference = {
  minHashSignature(shingles: Uint32Array, seeds: Uint32Array): Uint32Array {
    const out = new Uint32Array(seeds.length).fill(0xffffffff);
    for (const shingle of shingles)
      seeds.forEach((seed, p) => {
        out[p] = Math.min(out[p]!, mix32(shingle ^ seed));
      });
    return out;
  },
  wordShingleSet(tokens: readonly string[], size: number): number[] {
    const hashes: number[] = [];
    if (tokens.length < size) hashes.push(hashString(tokens.join(' ')));
    else
      for (let i = 0; i + size <= tokens.length; i++)
        hashes.push(hashString(tokens.slice(i, i + size).join(' ')));
    return [...new Set(hashes)].sort((a, b) => a - b);
  },
  pairs(signatures: Uint32Array, permutations: number, banding: { bands: number; rows: number }) {
    const n = signatures.length / permutations;
    const visits: [number, number][] = [];
    for (let band = 0; band < banding.bands; band++) {
      const keys = Array.from({ length: n }, (_, i) =>
        runKey53(signatures, i * permutations + band * banding.rows, banding.rows, band),
      );
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
      let start = 0;
      while (start < n) {
        let end = start + 1;
        while (end < n && keys[order[end]!] === keys[order[start]!]) end++;
        for (let i = start + 1; i < end; i++)
          for (let j = Math.max(start, i - BUCKET_WINDOW); j < i; j++) visits.push([order[j]!, order[i]!]);
        start = end;
      }
    }
    return visits;
  },
};

describe('MinHash kernels against their first versions', () => {
  it('minHashSignature: the same minima', () => {
    const random = createRandom('min-hash-signature');
    const seeds = Uint32Array.from({ length: 128 }, () => Math.floor(random() * 2 ** 32));
    for (const size of [0, 1, 7, 300]) {
      const shingles = Uint32Array.from({ length: size }, () => Math.floor(random() * 2 ** 32));
      shingles[0] = 0xffffffff;
      const out = new Uint32Array(130);
      minHashSignature(shingles, seeds, out, 2);
      expect(Array.from(out.subarray(2))).toEqual(Array.from(reference.minHashSignature(shingles, seeds)));
    }
  });

  it('minHashSignatures: the SIMD kernel gives the scalar minima', () => {
    const random = createRandom('min-hash-simd');
    const sets = [0, 1, 3, 40, 257].map((size) =>
      Uint32Array.from({ length: size }, () => Math.floor(random() * 2 ** 32)),
    );
    sets[2]![0] = 0xffffffff;
    expect(createSimdMinHash(new Uint32Array(16))).not.toBeNull(); // Node has WebAssembly SIMD
    for (const permutations of [128, 20, 1]) {
      const simd = minHashSignatures(sets, permutations, 'seed');
      const scalar = minHashSignatures(sets, permutations, 'seed', { scalar: true });
      expect(Array.from(simd)).toEqual(Array.from(scalar));
      expect(scalar[permutations]).not.toBe(0xffffffff); // the one-shingle set's minima are real
    }
  });

  it('sortedJaccardAtLeast: the decision of sortedJaccard >= threshold, ties included', () => {
    const random = createRandom('jaccard-at-least');
    const set = (values: number[]) => Uint32Array.from(new Set(values)).sort();
    let checked = 0;
    let accepted = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const size = Math.floor(random() * 12);
      const base = Array.from({ length: size }, () => Math.floor(random() * 40));
      const a = set(base);
      const b = set(base.map((value) => (random() < 0.2 ? Math.floor(random() * 40) : value)));
      const thresholds = [0, 0.3, 0.5, 0.8, 1, sortedJaccard(a, b), sortedJaccard(a, b) + 1e-12];
      for (const threshold of thresholds) {
        const expected = sortedJaccard(a, b) >= threshold;
        expect(sortedJaccardAtLeast(a, b, threshold)).toBe(expected);
        checked++;
        accepted += expected ? 1 : 0;
      }
    }
    expect(accepted).toBeGreaterThan(checked / 4);
    expect(accepted).toBeLessThan(checked);
  });

  it('wordShingleSet: the hashes of the joined runs', () => {
    const tokens = ['a', 'b', 'café', '3.5', 'a', 'b', 'café', 'Ωmega', '😀', 'x'];
    for (const size of [1, 3, 5, 20])
      expect(Array.from(wordShingleSet(tokens, size))).toEqual(reference.wordShingleSet(tokens, size));
    expect(Array.from(wordShingleSet([], 3))).toEqual(reference.wordShingleSet([], 3));
  });

  it('forEachCandidatePair: the same pairs in the same order, large buckets windowed', () => {
    const random = createRandom('candidate-pairs');
    const permutations = 12;
    const rows = 500;
    // Few distinct values per band, so buckets are common; in band 0 about 150 rows share one bucket,
    // more than the window.
    const signatures = Uint32Array.from({ length: rows * permutations }, (_, k) => {
      if (k % permutations < 3) return random() < 0.5 ? 0 : Math.floor(random() * 3);
      return Math.floor(random() * (k % permutations < 6 ? 3 : 40));
    });
    const banding = { bands: 4, rows: 3 };
    const visits: [number, number][] = [];
    forEachCandidatePair(signatures, permutations, banding, (a, b) => visits.push([a, b]));
    const expected = reference.pairs(signatures, permutations, banding);
    const bandZero = new Map<number, number>();
    for (let i = 0; i < rows; i++) {
      const key = runKey53(signatures, i * permutations, banding.rows, 0);
      bandZero.set(key, (bandZero.get(key) ?? 0) + 1);
    }
    expect(Math.max(...bandZero.values())).toBeGreaterThan(BUCKET_WINDOW);
    expect(visits).toEqual(expected);
  });
});
