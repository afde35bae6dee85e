import { describe, expect, it } from 'vitest';
import type { ExportResult } from './export-dataset.js';
import { formatExportResult } from './format-export.js';

const result: ExportResult = {
  out: 'runs/x/export-openai',
  name: 'x',
  format: 'openai',
  source: { kind: 'run', file: 'runs/x/samples.jsonl' },
  promptFields: ['instruction', 'input'],
  responseField: 'output',
  splits: [
    { name: 'train', ratio: 0.9, file: 'train.jsonl', rows: 9 },
    { name: 'validation', ratio: 0.05, file: 'validation.jsonl', rows: 1 },
  ],
  emptySplits: ['test'],
  unanswered: 2,
  files: [],
  simulated: true,
};

describe('formatExportResult', () => {
  it('tells the rows, each split, the fields, what was left out, and the card, one fact a line', () => {
    expect(formatExportResult(result)).toBe(
      [
        'exported 10 rows as openai (SIMULATED LLM rows: placeholders, not model output): runs/x/export-openai',
        '  train: 9 rows (train.jsonl, provenance in train.provenance.jsonl)',
        '  validation: 1 rows (validation.jsonl, provenance in validation.provenance.jsonl)',
        '  prompt: instruction + input; response: output',
        '  test: no rows (too few rows for its share), not written',
        '  left out: 2 rows without "output"',
        '  card: README.md; LLaMA-Factory: dataset_info.json',
        '',
      ].join('\n'),
    );
    const pushed = { repo: 'me/x', url: 'https://hub/datasets/me/x', commit: 'c', created: true };
    const plain = formatExportResult({ ...result, simulated: false, emptySplits: [], unanswered: 0, pushed });
    expect(plain.split('\n')[0]).toBe('exported 10 rows as openai: runs/x/export-openai');
    expect(plain).not.toMatch(/left out|no rows/);
    expect(plain).toMatch(/\n {2}pushed to https:\/\/hub\/datasets\/me\/x \(created, private\)\n$/);
  });

  it('has a one-line form for a job that ends with an export', () => {
    expect(formatExportResult(result, { short: true })).toBe(
      'export (openai): runs/x/export-openai (train 9, validation 1 rows)\n',
    );
  });
});
