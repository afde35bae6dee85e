import { parseOptions } from '@treesynth/core/internal';
import {
  forEachCandidatePair,
  hashString,
  lshBanding,
  minHashSignatures,
  sortedDistinct,
  sortedJaccard,
  wordShingleSet,
} from '@treesynth/eval/internal';
import { z } from 'zod';
import { addPair, keepFirst, sortById } from './_keep-first.js';
import { normalizedWords } from './normalize-text.js';
import type { DuplicateRemoval, FilterRow } from './removal.js';

/** The options of `nearDuplicates`: the one source of its defaults and limits. */
export const nearDuplicatesOptionsSchema = z.object({
  threshold: z
    .number()
    .gt(0)
    .max(1)
    .default(0.8)
    .describe('Jaccard similarity of the shingle sets at or above which a pair is a near duplicate'),
  shingles: z
    .enum(['characters', 'words'])
    .default('characters')
    .describe('what a shingle is a run of: characters of the normalised text, or its words'),
  shingleSize: z
    .number()
    .int()
    .min(1)
    .max(64)
    .optional()
    .describe('characters or words per shingle; default 5 for either'),
  permutations: z.number().int().min(16).max(1024).default(128).describe('MinHash hash functions'),
  seed: z.union([z.number(), z.string()]).default(0).describe('seed of the MinHash hash functions'),
});
export type NearDuplicatesOptions = z.input<typeof nearDuplicatesOptionsSchema>;

/**
 * Near duplicates by MinHash: each row's shingle set (by default character 5-grams of the
 * normalised text, `normalizedWords` joined by one space), a MinHash signature of `permutations`
 * seeded hash functions, LSH bands chosen so that a pair right at the threshold becomes a candidate
 * with probability ≥ 0.98 (`lshBanding`: 18 bands of 7 rows for 128 permutations at 0.8), then
 * every candidate pair's exact Jaccard similarity on its shingle sets (32-bit shingle hashes) checked
 * against the threshold: no pair below it is ever removed; a pair at it is missed with
 * probability ≤ 0.02. Removals keep the smallest id (see `keepFirst`): deterministic by sample id,
 * whatever the input order.
 *
 * Why characters: a synthesized question is short (GSM8K's average 46 words), and changing one word
 * breaks every word shingle that covers it: with word 5-grams two changed words out of 46 already
 * drop the Jaccard similarity to about 0.6, under any useful threshold, while character 5-grams
 * lose only the few shingles around each change (about 0.85). Word shingles suit long documents.
 *
 * Cost: O(L·permutations) for signatures of a text of L characters, O(n·bands·log n) for the buckets,
 * plus the candidate checks.
 */
export function nearDuplicates(
  rows: readonly FilterRow[],
  options: NearDuplicatesOptions = {},
): DuplicateRemoval[] {
  const { threshold, shingles, permutations, seed, ...rest } = parseOptions(
    nearDuplicatesOptionsSchema,
    options,
  );
  const size = rest.shingleSize ?? 5;
  const sorted = sortById(rows);
  const n = sorted.length;
  const sets = sorted.map((row) =>
    shingles === 'words'
      ? wordShingleSet(normalizedWords(row.text), size)
      : characterShingleSet(normalizedWords(row.text).join(' '), size),
  );
  const signatures = minHashSignatures(sets, permutations, seed);
  const pairs = new Map<number, Map<number, number>>();
  const checked = new Set<number>();
  forEachCandidatePair(signatures, permutations, lshBanding(threshold, permutations), (a, b) => {
    const key = a < b ? a * n + b : b * n + a;
    if (checked.has(key)) return;
    checked.add(key);
    const similarity = sortedJaccard(sets[a]!, sets[b]!);
    if (similarity >= threshold) addPair(pairs, a, b, similarity);
  });
  return keepFirst(sorted, pairs, 'near-duplicate');
}

/** Sorted distinct hashes of every run of `size` UTF-16 code units (a shorter text is one shingle). */
export function characterShingleSet(text: string, size: number): Uint32Array {
  const count = Math.max(1, text.length - size + 1);
  const hashes = new Array<number>(count);
  for (let start = 0; start < count; start++) hashes[start] = hashString(text.slice(start, start + size));
  return sortedDistinct(hashes);
}
