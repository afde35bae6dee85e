import { parseOptions } from '@treesynth/core/internal';
import { hashString, runKey53 } from '@treesynth/eval/internal';
import { z } from 'zod';
import { sortById } from './_keep-first.js';
import type { ContaminationSource } from './contamination-sources.js';
import { normalizedWords } from './normalize-text.js';
import type { ContaminationRemoval, FilterRow } from './removal.js';

export const decontaminateOptionsSchema = z.object({
  ngramSize: z
    .number()
    .int()
    .min(1)
    .max(200)
    .default(13)
    .describe('words in a shared run that marks a row as contaminated'),
});
export type DecontaminateOptions = z.input<typeof decontaminateOptionsSchema>;

/** One occurrence of an n-gram in a source item. */
interface Occurrence {
  source: number;
  item: number;
  start: number;
}

/**
 * Rows that overlap a benchmark (or any source): a row is removed when it shares a run of
 * `ngramSize` consecutive words (`normalizedWords`: NFKC, lower case, punctuation dropped) with a
 * source item, or when its whole normalised text equals an item's (which catches copies of items
 * shorter than `ngramSize` words). Each removal names the source, the item and the shared words;
 * a row matching several items names the first: an exact match before an n-gram one, then the
 * row's earliest n-gram, then sources and items in the order given. N-grams are looked up by a
 * 53-bit key and every hit is confirmed word by word, so a removal is never a hash collision.
 * Rows are read in id order, so any input order gives the same removals.
 *
 * Cost O(total source words + total row words · ngramSize); memory one entry per source n-gram.
 */
export function decontaminate(
  rows: readonly FilterRow[],
  sources: readonly ContaminationSource[],
  options: DecontaminateOptions = {},
): ContaminationRemoval[] {
  const { ngramSize: size } = parseOptions(decontaminateOptionsSchema, options);
  const itemWords = sources.map((source) => source.items.map((item) => normalizedWords(item.text)));
  const exact = new Map<string, Occurrence>();
  const index = new Map<number, Occurrence[]>();
  itemWords.forEach((items, source) => {
    items.forEach((words, item) => {
      const key = words.join(' ');
      if (key !== '' && !exact.has(key)) exact.set(key, { source, item, start: 0 });
      const hashes = words.map(hashString);
      for (let start = 0; start + size <= words.length; start++) {
        const ngramKey = runKey53(hashes, start, size);
        const list = index.get(ngramKey);
        if (list === undefined) index.set(ngramKey, [{ source, item, start }]);
        else list.push({ source, item, start });
      }
    });
  });

  const removals: ContaminationRemoval[] = [];
  const removal = (row: FilterRow, hit: Occurrence, match: 'exact' | 'ngram', ngram: string) => {
    const source = sources[hit.source]!;
    removals.push({
      id: row.id,
      reason: 'contamination',
      source: source.name,
      itemId: source.items[hit.item]!.id,
      match,
      ngram,
    });
  };
  for (const row of sortById(rows)) {
    const words = normalizedWords(row.text);
    const text = words.join(' ');
    const exactHit = text === '' ? undefined : exact.get(text);
    if (exactHit !== undefined) {
      removal(row, exactHit, 'exact', text);
      continue;
    }
    const hashes = words.map(hashString);
    search: for (let start = 0; start + size <= words.length; start++) {
      for (const hit of index.get(runKey53(hashes, start, size)) ?? []) {
        if (sameRun(words, start, itemWords[hit.source]![hit.item]!, hit.start, size)) {
          removal(row, hit, 'ngram', words.slice(start, start + size).join(' '));
          break search;
        }
      }
    }
  }
  return removals;
}

function sameRun(
  a: readonly string[],
  aStart: number,
  b: readonly string[],
  bStart: number,
  size: number,
): boolean {
  for (let k = 0; k < size; k++) if (a[aStart + k] !== b[bStart + k]) return false;
  return true;
}

/** Rows each source caught, every source named (0 when it caught none), in the order given. */
export function countBySource(
  removals: readonly ContaminationRemoval[],
  sources: readonly Pick<ContaminationSource, 'name'>[],
): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(sources.map((source) => [source.name, 0]));
  for (const removal of removals) counts[removal.source] = (counts[removal.source] ?? 0) + 1;
  return counts;
}
