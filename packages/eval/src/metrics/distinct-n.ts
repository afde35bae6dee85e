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
  // Every text's token ids in one array (text i is ids[ends[i − 1], ends[i])), not an array per text.
  let ids = new Int32Array(1024);
  const ends = new Int32Array(texts.length);
  let length = 0;
  texts.forEach((text, index) => {
    for (const token of tokenize(text)) {
      let id = vocabulary.get(token);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(token, id);
      }
      if (length === ids.length) {
        const grown = new Int32Array(ids.length * 2);
        grown.set(ids);
        ids = grown;
      }
      ids[length++] = id;
    }
    ends[index] = length;
  });
  const documents = { ids, ends };
  const base = Math.max(1, vocabulary.size);
  return orders.map((order) => {
    let total = 0;
    forEachText(documents, (start, end) => {
      total += Math.max(0, end - start - order + 1);
    });
    const unique =
      base ** order <= Number.MAX_SAFE_INTEGER
        ? countDistinctNumeric(documents, order, base)
        : countDistinctStrings(documents, order);
    return { order, unique, total, ratio: total > 0 ? unique / total : Number.NaN };
  });
}

interface Documents {
  ids: Int32Array;
  ends: Int32Array;
}

function forEachText(documents: Documents, visit: (start: number, end: number) => void): void {
  let start = 0;
  for (const end of documents.ends) {
    visit(start, end);
    start = end;
  }
}

/**
 * Distinct n-gram keys (Σ id_k · V^(n−1−k), below 2^53) counted in an open-addressing hash set of
 * Float64 keys (linear probing, at most half full): O(T) time, memory O(distinct n-grams).
 */
function countDistinctNumeric(documents: Documents, order: number, base: number): number {
  const { ids } = documents;
  let capacity = 1024;
  let table = new Float64Array(capacity).fill(-1);
  let unique = 0;
  const insert = (key: number): boolean => {
    const high = Math.floor(key / 4294967296);
    let slot = mix(key >>> 0, high) & (capacity - 1);
    for (;;) {
      const held = table[slot]!;
      if (held === key) return false;
      if (held === -1) {
        table[slot] = key;
        return true;
      }
      slot = (slot + 1) & (capacity - 1);
    }
  };
  forEachText(documents, (start, end) => {
    for (let at = start; at + order <= end; at++) {
      let key = 0;
      for (let k = 0; k < order; k++) key = key * base + ids[at + k]!;
      if (!insert(key)) continue;
      unique++;
      if (unique * 2 <= capacity) continue;
      const old = table;
      capacity *= 2;
      table = new Float64Array(capacity).fill(-1);
      for (const held of old) if (held !== -1) insert(held);
    }
  });
  return unique;
}

/** A 32-bit hash of a key's low and high words. */
function mix(low: number, high: number): number {
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function countDistinctStrings(documents: Documents, order: number): number {
  const seen = new Set<string>();
  forEachText(documents, (start, end) => {
    for (let at = start; at + order <= end; at++) seen.add(documents.ids.subarray(at, at + order).join(','));
  });
  return seen.size;
}
