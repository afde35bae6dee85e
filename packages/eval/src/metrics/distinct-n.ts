import { tokenizeWords } from './tokenize-words.js';

export interface DistinctNOptions {
  /** The n-gram orders; default [1, 2, 3]. */
  orders?: readonly number[];
  /** Default `tokenizeWords`. */
  tokenize?: (text: string) => string[];
}

export interface DistinctN {
  order: number;
  /** Distinct n-grams over the corpus. */
  unique: number;
  /** All n-grams over the corpus (a text of t tokens has max(0, t − n + 1)). */
  total: number;
  /** unique / total; NaN when there are no n-grams. */
  ratio: number;
}

/**
 * distinct-n (Li et al., 2016): distinct n-grams / total n-grams over the whole corpus; higher is
 * more diverse (1 = no n-gram repeats anywhere). N-grams never cross text boundaries. Tokens come
 * from `tokenizeWords` (lower-cased words, numbers, single punctuation characters).
 *
 * Exact and O(T log T) for T tokens: tokens become integer ids and each n-gram the integer
 * Σ id_k · V^(n−1−k) (V = vocabulary size), counted distinct by sorting a Float64Array; when V^n
 * exceeds 2^53 the n-grams are counted as strings in a Set instead.
 */
export function distinctN(texts: readonly string[], options: DistinctNOptions = {}): DistinctN[] {
  const orders = options.orders ?? [1, 2, 3];
  const tokenize = options.tokenize ?? tokenizeWords;
  const vocabulary = new Map<string, number>();
  const documents: Int32Array[] = texts.map((text) => {
    const tokens = tokenize(text);
    const ids = new Int32Array(tokens.length);
    tokens.forEach((token, i) => {
      let id = vocabulary.get(token);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(token, id);
      }
      ids[i] = id;
    });
    return ids;
  });
  const base = Math.max(1, vocabulary.size);
  return orders.map((order) => {
    let total = 0;
    for (const ids of documents) total += Math.max(0, ids.length - order + 1);
    const unique =
      base ** order <= Number.MAX_SAFE_INTEGER
        ? countDistinctNumeric(documents, order, base, total)
        : countDistinctStrings(documents, order);
    return { order, unique, total, ratio: total > 0 ? unique / total : Number.NaN };
  });
}

function countDistinctNumeric(documents: Int32Array[], order: number, base: number, total: number): number {
  const keys = new Float64Array(total);
  let filled = 0;
  for (const ids of documents) {
    for (let start = 0; start + order <= ids.length; start++) {
      let key = 0;
      for (let k = 0; k < order; k++) key = key * base + ids[start + k]!;
      keys[filled++] = key;
    }
  }
  keys.sort();
  let unique = 0;
  for (let i = 0; i < keys.length; i++) if (i === 0 || keys[i] !== keys[i - 1]) unique++;
  return unique;
}

function countDistinctStrings(documents: Int32Array[], order: number): number {
  const seen = new Set<string>();
  for (const ids of documents) {
    for (let start = 0; start + order <= ids.length; start++) {
      seen.add(ids.subarray(start, start + order).join(','));
    }
  }
  return seen.size;
}
