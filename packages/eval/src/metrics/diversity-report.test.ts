import { ConfigError, PartitionTree } from '@treesynth/core';
import { fixedSplit } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import { diversityReport } from './diversity-report.js';
import { meanPairwiseCosine } from './mean-pairwise-cosine.js';
import { randomUnitRows } from './test-helpers.fixture.js';

function inputs(samples: number) {
  const tree = new PartitionTree();
  const children = tree.applySplit(tree.root.id, fixedSplit('topic', ['a', 'b', 'c']));
  for (const child of children) tree.markLeaf(child.id, 'max-depth');
  const leafIds = Array.from({ length: samples }, (_, i) => children[i % 2]!.id);
  const texts = Array.from(
    { length: samples },
    (_, i) => `question ${i % 17} about ${i % 5} apples and ${i} pears`,
  );
  return { tree, leafIds, texts, embeddings: randomUnitRows(samples, 24, 'report') };
}

describe('diversityReport', () => {
  it('computes every metric that applies, with timings', () => {
    const { tree, leafIds, texts, embeddings } = inputs(120);
    const seen: string[] = [];
    const report = diversityReport({
      embeddings,
      texts,
      leafIds,
      tree,
      options: { onMetric: (name) => seen.push(name) },
    });
    const names = [
      'meanCosine',
      'leafCosine',
      'vendi',
      'nearestNeighbour',
      'clusterEntropy',
      'distinctN',
      'selfBleu',
      'duplicates',
      'leafCoverage',
    ];
    expect(Object.keys(report.metrics).sort()).toEqual([...names].sort());
    expect(Object.keys(report.timingsMs).sort()).toEqual([...names].sort());
    expect(seen.sort()).toEqual([...names].sort());
    expect(report).toMatchObject({ samples: 120, dims: 24, warnings: [] });
    expect(report.metrics.meanCosine).toBe(meanPairwiseCosine(embeddings));
    expect(report.metrics.leafCoverage).toMatchObject({ leaves: 3, coveredLeaves: 2 });
    expect(report.metrics.distinctN?.map((entry) => entry.order)).toEqual([1, 2, 3]);
  });

  it('leaves out what does not apply or is skipped, and says why', () => {
    const { tree, texts } = inputs(30);
    const report = diversityReport({ texts, tree, options: { skip: ['selfBleu'] } });
    expect(Object.keys(report.metrics).sort()).toEqual(['distinctN', 'duplicates']);
    expect(report.warnings).toEqual(['leafCoverage needs leafIds as well as the tree; left out']);
  });

  it('normalises rows unless told not to', () => {
    const { texts, embeddings } = inputs(40);
    const scaled = { ...embeddings, data: embeddings.data.map((value) => value * 3) };
    const only = [
      'leafCosine',
      'vendi',
      'nearestNeighbour',
      'clusterEntropy',
      'distinctN',
      'selfBleu',
      'duplicates',
    ] as const;
    const normalised = diversityReport({ embeddings: scaled, texts, options: { skip: only } });
    expect(normalised.metrics.meanCosine).toBeCloseTo(meanPairwiseCosine(embeddings), 6);
    const raw = diversityReport({ embeddings: scaled, texts, options: { skip: only, normalize: false } });
    expect(raw.metrics.meanCosine).toBeCloseTo(9 * meanPairwiseCosine(embeddings), 5);
  });

  it('rejects inputs of different lengths', () => {
    const { leafIds, texts, embeddings } = inputs(20);
    expect(() => diversityReport({ embeddings, texts: texts.slice(1) })).toThrow(ConfigError);
    expect(() => diversityReport({ texts, leafIds: leafIds.slice(1) })).toThrow(/leafIds/);
  });
});
