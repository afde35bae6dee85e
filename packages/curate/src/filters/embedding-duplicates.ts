import type { Embedder } from '@treesynth/core';
import { wrapEmbedder } from '@treesynth/core';
import { parseOptions } from '@treesynth/core/internal';
import { embeddingMatrixFromRows, normalizeRows } from '@treesynth/eval';
import { createDotBlocks } from '@treesynth/eval/internal';
import { z } from 'zod';
import { addPair, keepFirst, sortById } from './_keep-first.js';
import type { DuplicateRemoval, FilterRow } from './removal.js';

export const embeddingDuplicatesOptionsSchema = z.object({
  embedder: z.custom<Embedder>(
    (value) => typeof (value as Embedder | null)?.doEmbed === 'function',
    'expected an Embedder (an object with doEmbed)',
  ),
  threshold: z
    .number()
    .gt(-1)
    .max(1)
    .default(0.95)
    .describe('cosine similarity of two rows’ embeddings at or above which they are duplicates'),
  blockRows: z
    .number()
    .int()
    .min(8)
    .max(8192)
    .default(512)
    .describe('rows per block of the blockwise similarity scan (memory blockRows² numbers)'),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
});
export type EmbeddingDuplicatesOptions = z.input<typeof embeddingDuplicatesOptionsSchema>;

/**
 * Embedding near duplicates: every row's text embedded (through `wrapEmbedder`, so in batches of the
 * embedder's size, each distinct text once), rows scaled to unit length, then every pair's cosine
 * computed block by block (`blockRows` × `blockRows` tiles of eval's dot kernel, only tiles on or
 * above the diagonal) and pairs at or above `threshold` kept. Memory: the n × d matrix (and the
 * SIMD kernel's copy of it) plus one tile, never an n × n matrix: 100,000 rows of 384 floats are
 * 154 MB. Time n²·d/2 multiply-adds. Removals keep the smallest id (see `keepFirst`).
 */
export async function embeddingDuplicates(
  rows: readonly FilterRow[],
  options: EmbeddingDuplicatesOptions,
): Promise<DuplicateRemoval[]> {
  const { embedder, threshold, blockRows, signal } = parseOptions(embeddingDuplicatesOptionsSchema, options);
  const sorted = sortById(rows);
  const n = sorted.length;
  if (n < 2) return [];
  const { embeddings } = await wrapEmbedder({ embedder }).doEmbed({
    values: sorted.map((row) => row.text),
    ...(signal ? { signal } : {}),
  });
  const matrix = normalizeRows(embeddingMatrixFromRows(embeddings));
  const blocks = createDotBlocks({
    left: matrix.data,
    leftRows: n,
    dims: matrix.dims,
    maxBlockRows: blockRows,
    maxBlockColumns: blockRows,
  });
  const tile = new Float64Array(blockRows * blockRows);
  const pairs = new Map<number, Map<number, number>>();
  for (let iStart = 0; iStart < n; iStart += blockRows) {
    const iCount = Math.min(blockRows, n - iStart);
    for (let jStart = iStart; jStart < n; jStart += blockRows) {
      const jCount = Math.min(blockRows, n - jStart);
      blocks.compute(iStart, iCount, jStart, jCount, tile);
      for (let i = 0; i < iCount; i++) {
        for (let j = jStart === iStart ? i + 1 : 0; j < jCount; j++) {
          const similarity = tile[i * jCount + j]!;
          if (similarity >= threshold) addPair(pairs, iStart + i, jStart + j, Math.min(1, similarity));
        }
      }
    }
  }
  return keepFirst(sorted, pairs, 'embedding-duplicate');
}
