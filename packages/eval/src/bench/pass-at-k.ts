import { ConfigError } from '@treesynth/core';

/**
 * The unbiased pass@k estimator (Chen et al., 2021): given `n` samples of which `c` passed, the
 * probability that at least one of `k` samples drawn without replacement passes,
 * 1 - C(n-c, k) / C(n, k). Computed as 1 - ∏_{i=n-c+1}^{n} (1 - k/i), which never forms the
 * binomials and so stays exact enough for n in the thousands.
 */
export function passAtK(n: number, c: number, k: number): number {
  for (const [name, value] of [
    ['n', n],
    ['c', c],
    ['k', k],
  ] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ConfigError({ path: name, message: `must be a non-negative integer, got ${value}` });
    }
  }
  if (c > n) throw new ConfigError({ path: 'c', message: `passing samples (${c}) exceed samples (${n})` });
  if (k < 1 || k > n)
    throw new ConfigError({ path: 'k', message: `must be between 1 and n (${n}), got ${k}` });
  // Fewer failures than k: every draw of k samples contains a passing one.
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i += 1) allFail *= 1 - k / i;
  return 1 - allFail;
}
