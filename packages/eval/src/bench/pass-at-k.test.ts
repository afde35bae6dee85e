import { describe, expect, it } from 'vitest';
import { passAtK } from './pass-at-k.js';

/** C(n, k) by counting the k-subsets of n items (feasible for the small n below). */
function countSubsets(n: number, k: number): number {
  let count = 0;
  for (let mask = 0; mask < 1 << n; mask += 1) {
    let bits = 0;
    for (let value = mask; value > 0; value >>= 1) bits += value & 1;
    if (bits === k) count += 1;
  }
  return count;
}

/** pass@k by brute force: the share of k-subsets of n samples (the first c pass) with a pass in them. */
function bruteForce(n: number, c: number, k: number): number {
  let withPass = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << n; mask += 1) {
    let bits = 0;
    for (let value = mask; value > 0; value >>= 1) bits += value & 1;
    if (bits !== k) continue;
    total += 1;
    if ((mask & ((1 << c) - 1)) !== 0) withPass += 1;
  }
  return withPass / total;
}

describe('passAtK', () => {
  it('matches values worked out by hand', () => {
    expect(passAtK(1, 1, 1)).toBe(1);
    expect(passAtK(1, 0, 1)).toBe(0);
    expect(passAtK(10, 3, 1)).toBeCloseTo(0.3, 12); // pass@1 = c/n
    expect(passAtK(5, 2, 2)).toBeCloseTo(1 - 3 / 10, 12); // 1 - C(3,2)/C(5,2)
    expect(passAtK(10, 1, 5)).toBeCloseTo(0.5, 12); // 1 - C(9,5)/C(10,5) = 1 - 126/252
    expect(passAtK(4, 2, 3)).toBe(1); // n - c < k
    expect(passAtK(200, 0, 100)).toBe(0);
  });

  it('agrees with a brute-force count of combinations for every n ≤ 10', () => {
    for (let n = 1; n <= 10; n += 1) {
      for (let c = 0; c <= n; c += 1) {
        for (let k = 1; k <= n; k += 1) {
          const expected = 1 - (n - c >= k ? countSubsets(n - c, k) : 0) / countSubsets(n, k);
          expect(passAtK(n, c, k)).toBeCloseTo(expected, 12);
          expect(passAtK(n, c, k)).toBeCloseTo(bruteForce(n, c, k), 12);
        }
      }
    }
  });

  it('stays finite and within [0, 1] where the binomials overflow', () => {
    const value = passAtK(5000, 17, 1000);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThan(0.97);
    expect(value).toBeLessThanOrEqual(1);
  });

  it('names the argument that is out of range', () => {
    expect(() => passAtK(5, 6, 1)).toThrow(/^c: /);
    expect(() => passAtK(5, 2, 0)).toThrow(/^k: /);
    expect(() => passAtK(5, 2, 6)).toThrow(/^k: /);
    expect(() => passAtK(2.5, 1, 1)).toThrow(/^n: /);
  });
});
