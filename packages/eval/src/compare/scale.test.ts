import { createRandom } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { type CompareProgress, compareDatasets } from '../index.js';
import { wordEmbedder } from './_word-embedder.fixture.js';

/** 10,000 records in 40 leaves: word salad from a leaf-biased vocabulary, with some exact repeats. */
function records(count: number) {
  const random = createRandom('scale-test');
  const vocabulary = Array.from({ length: 3000 }, (_, i) => `w${i.toString(36)}`);
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const leaf = Math.floor(random() * 40);
    if (i > 0 && random() < 0.02) {
      rows.push({ ...rows[Math.floor(random() * i)]!, id: `r${i}` });
      continue;
    }
    const words = Array.from({ length: 6 + Math.floor(random() * 14) }, () =>
      random() < 0.5
        ? vocabulary[leaf * 50 + Math.floor(random() * 50)]!
        : vocabulary[Math.floor(random() * 3000)]!,
    );
    rows.push({
      id: `r${i}`,
      question: `${words.join(' ')}?`,
      leaf_id: `leaf${leaf}`,
      path: [{ dimension: 'topic', value: `t${leaf}` }],
    });
  }
  return rows;
}

describe('compareDatasets on 10,000 rows: the streamed path against the exact one', () => {
  it('gives the exact metrics to 1e-6 and the sampled ones within their error bars', async () => {
    const rows = records(10_000);
    const embedder = wordEmbedder(256);
    const events: CompareProgress[] = [];
    const score = async (exactUpTo: number) =>
      (
        await compareDatasets({
          datasets: [{ name: 'rows', rows }],
          embedder,
          seed: 3,
          exactUpTo,
          onProgress: (event) => events.push(event),
        })
      ).datasets[0]!;
    const exact = await score(20_000);
    const streamed = await score(0);
    expect(exact.samples).toBe(10_000);
    expect(streamed.samples).toBe(10_000);
    const [e, s] = [exact.metrics, streamed.metrics];

    // Exact on every row, both ways.
    expect(Math.abs(s.meanCosine! - e.meanCosine!)).toBeLessThan(1e-6);
    for (const key of ['withinLeaf', 'withinLeafMacro', 'acrossLeaves'] as const)
      expect(Math.abs(s.leafCosine![key] - e.leafCosine![key])).toBeLessThan(1e-6);
    expect(s.leafCosine!.withinPairs).toBe(e.leafCosine!.withinPairs);
    expect(Math.abs(s.vendi! / e.vendi! - 1)).toBeLessThan(1e-6);
    expect(s.distinctN).toEqual(e.distinctN);
    expect(s.duplicates).toEqual(e.duplicates);
    expect(s.duplicates!.exactDuplicates).toBeGreaterThan(100);
    expect(s.leafCoverage).toEqual(e.leafCoverage);
    expect(s.selfBleu!.score).toBe(e.selfBleu!.score);
    expect(s.selfBleu!.standardError).toBeGreaterThan(0);
    // k-means' sample (10,000 rows) is every row here, so the clustering is the one of the exact path.
    expect(s.clusterEntropy!.entropy).toBeCloseTo(e.clusterEntropy!.entropy, 12);
    expect(s.clusterEntropy!.sampledRows).toBe(10_000);
    expect(s.clusterEntropy!.standardError).toBeGreaterThan(0);

    // Sampled: every point is a query on the exact path, 5,000 sampled queries on the streamed one.
    const exactNearest = e.nearestNeighbour!;
    const sampledNearest = s.nearestNeighbour!;
    expect(exactNearest.sampled).toBe(false);
    expect(exactNearest.queries).toBe(10_000);
    expect(sampledNearest.sampled).toBe(true);
    expect(sampledNearest.queries).toBe(5000);
    expect(sampledNearest.standardError).toBeGreaterThan(0);
    expect(Math.abs(sampledNearest.mean - exactNearest.mean)).toBeLessThan(4 * sampledNearest.standardError!);
    expect(events.some((event) => event.kind === 'embedded' && event.message.includes('streamed'))).toBe(
      true,
    );
  });
});
