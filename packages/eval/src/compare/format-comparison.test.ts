import { describe, expect, it } from 'vitest';
import type { DatasetComparison, DatasetScores } from './compare-datasets.js';
import { formatComparison, formatMetricTable } from './format-comparison.js';
import type { MetricTable } from './metric-table.js';

const TABLE: MetricTable = {
  columns: ['human', 'treesynth'],
  rows: [
    { id: 'samples', name: 'samples', values: [12_000, 50] },
    { id: 'meanCosine', name: 'mean cosine', direction: 'lower is more diverse', values: [0.41234, 0.2] },
    { id: 'vendi', name: 'Vendi score', direction: 'higher is more diverse', values: [123.456, null] },
  ],
};

describe('formatMetricTable', () => {
  it('aligns the columns, marks the diverse direction, and shows a missing value as a dash', () => {
    expect(formatMetricTable(TABLE).split('\n')).toEqual([
      'metric          human  treesynth',
      '-------------  ------  ---------',
      'samples        12,000         50',
      'mean cosine ↓  0.4123     0.2000',
      'Vendi score ↑   123.5          –',
      '',
      '↓ lower is more diverse, ↑ higher is more diverse',
    ]);
  });
});

describe('formatComparison', () => {
  const dataset = (name: string, simulated: boolean) => ({ name, simulated }) as DatasetScores;

  it('names the embedder and the datasets a simulated LLM made', () => {
    const comparison: DatasetComparison = {
      embedder: 'hashing/hashing-256',
      datasets: [dataset('human', false), dataset('treesynth', true)],
      table: TABLE,
    };
    const text = formatComparison(comparison);
    expect(text.startsWith('Diversity (embeddings: hashing/hashing-256)\n\nmetric ')).toBe(true);
    expect(text).toContain(formatMetricTable(TABLE));
    expect(text.endsWith('simulated LLM output (placeholders, not model-quality data): treesynth\n')).toBe(
      true,
    );
  });

  it('says when only text metrics were computed', () => {
    const text = formatComparison({ embedder: null, datasets: [dataset('a', false)], table: TABLE });
    expect(text.split('\n')[0]).toBe('Diversity (text metrics only)');
    expect(text).not.toContain('simulated');
  });
});
