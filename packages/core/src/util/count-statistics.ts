/**
 * Normalised Shannon entropy of a distribution given by counts: H / log(k) with
 * H = −Σ p_i log p_i, p_i = count_i / Σ count, over k = `categories` categories (default: the number
 * of counts, zeros included). 1 means evenly spread, 0 means all in one category; higher is more
 * diverse. NaN when there are fewer than two categories or no counts.
 */
export function normalizedEntropy(counts: ArrayLike<number>, categories = counts.length): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  if (categories < 2 || total <= 0) return Number.NaN;
  let entropy = 0;
  for (let i = 0; i < counts.length; i++) {
    const p = counts[i]! / total;
    if (p > 0) entropy -= p * Math.log(p);
  }
  return entropy / Math.log(categories);
}

/**
 * Gini coefficient of non-negative values: G = Σ_i (2i − n − 1) x_(i) / (n Σ x) over the values sorted
 * ascending (i from 1). 0 means all equal, (n − 1)/n means one value holds everything; lower is more
 * even. NaN for no values, 0 when they sum to 0.
 */
export function gini(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  let total = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    total += sorted[i]!;
    weighted += (2 * (i + 1) - n - 1) * sorted[i]!;
  }
  return total === 0 ? 0 : weighted / (n * total);
}
