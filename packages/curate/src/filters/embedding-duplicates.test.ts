import type { Embedder } from '@treesynth/core';
import { loadBenchmarkSet } from '@treesynth/eval';
import { beforeAll, describe, expect, it } from 'vitest';
import { gsm8kTrainQuestions, replaceWords, shuffled, wordHashEmbedder } from './_test-rows.fixture.js';
import { embeddingDuplicates } from './embedding-duplicates.js';
import type { FilterRow } from './removal.js';

/** The test embedder, recording how many texts each call got. */
function recordingEmbedder(): { embedder: Embedder; calls: number[] } {
  const inner = wordHashEmbedder(256);
  const calls: number[] = [];
  const embedder: Embedder = {
    ...inner,
    maxEmbeddingsPerCall: 50,
    doEmbed: (options) => {
      calls.push(options.values.length);
      return inner.doEmbed(options);
    },
  };
  return { embedder, calls };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * b[k]!;
    aa += a[k]! * a[k]!;
    bb += b[k]! * b[k]!;
  }
  return dot / Math.sqrt(aa * bb);
}

describe('embeddingDuplicates', () => {
  let rows: FilterRow[];
  beforeAll(async () => {
    const bases = (await loadBenchmarkSet('gsm8k-test')).slice(0, 40).map((row) => row.question);
    rows = [
      ...bases.map((text, i) => ({ id: `a.${i}.0`, text })),
      ...bases.map((text, i) => ({ id: `b.${i}.0`, text: replaceWords(text, [i + 4]) })),
      ...(await gsm8kTrainQuestions(120)).map((text, i) => ({ id: `c.${i}.0`, text })),
    ];
  });

  it('finds exactly the pairs a brute-force cosine finds, block by block, keeping the smaller id', async () => {
    const { embedder, calls } = recordingEmbedder();
    const threshold = 0.9;
    const removals = await embeddingDuplicates(shuffled(rows, 3), { embedder, threshold, blockRows: 16 });
    expect(calls.every((size) => size <= 50)).toBe(true);
    expect(calls.reduce((a, b) => a + b, 0)).toBe(rows.length);

    const { embeddings } = await wordHashEmbedder(256).doEmbed({
      values: rows.map((row) => row.text),
    });
    const byId = new Map(rows.map((row, i) => [row.id, embeddings[i]!]));
    const expected: { id: string; duplicateOf: string }[] = [];
    const removed = new Set<string>();
    // Id order written out independently: leaf, then call as a number.
    const order = rows
      .map((row) => row.id)
      .sort((x, y) => {
        const [lx, cx] = x.split('.');
        const [ly, cy] = y.split('.');
        return lx === ly ? Number(cx) - Number(cy) : lx! < ly! ? -1 : 1;
      });
    order.forEach((id, j) => {
      for (let i = 0; i < j; i++) {
        const kept = order[i]!;
        if (!removed.has(kept) && cosine(byId.get(kept)!, byId.get(id)!) >= threshold) {
          expected.push({ id, duplicateOf: kept });
          removed.add(id);
          break;
        }
      }
    });
    expect(removals.map(({ id, duplicateOf }) => ({ id, duplicateOf }))).toEqual(expected);
    expect(removals.length).toBeGreaterThanOrEqual(35);
    for (const removal of removals) {
      expect(removal.reason).toBe('embedding-duplicate');
      expect(removal.similarity).toBeGreaterThanOrEqual(threshold);
    }
    // Distinct train questions are not duplicates of each other at this threshold.
    expect(removals.filter((removal) => removal.id.startsWith('c.'))).toEqual([]);
  });

  it('gives the same removals for any input order and names a bad option', async () => {
    const embedder = wordHashEmbedder(128);
    const first = await embeddingDuplicates(rows, { embedder, threshold: 0.85, blockRows: 8 });
    expect(
      await embeddingDuplicates(shuffled(rows, 9), { embedder, threshold: 0.85, blockRows: 64 }),
    ).toEqual(first);
    await expect(embeddingDuplicates(rows, { embedder, threshold: 1.5 })).rejects.toThrow(/^threshold: /);
    await expect(embeddingDuplicates(rows, { embedder: {} as Embedder })).rejects.toThrow(/^embedder: /);
  });
});
