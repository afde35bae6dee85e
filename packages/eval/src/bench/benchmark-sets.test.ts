import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { benchmarkSetPath, loadBenchmarkSet } from './benchmark-sets.js';

describe('loadBenchmarkSet', () => {
  it.each([
    ['gsm8k-test', 1319],
    ['gsm8k-train', 7473],
    ['gsm8k-train-shots', 8],
    ['math500-test', 500],
    ['humaneval', 164],
    ['mbpp', 974],
    ['mbpp-sanitized', 427],
  ] as const)('reads and validates %s (%i records)', async (name, count) => {
    const rows = await loadBenchmarkSet(name);
    expect(rows).toHaveLength(count);
  });

  it.each([
    ['gsm8k-test', '3730d312f6e3440559ace48831e51066acaca737f6eabec99bccb9e4b3c39d14'],
    ['gsm8k-train', '17f347dc51477c50d4efb83959dbb7c56297aba886e5544ee2aaed3024813465'],
    ['gsm8k-train-shots', '3f7ee50a459a52ed756683a31829ee9feb74db2b71c5638a09bf31139b8fee14'],
    ['math500-test', '35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132'],
    ['humaneval', '1d49078ba3e2b196b9344535bef34a43021f038fad9561d6ee7c53450609a6a2'],
    ['mbpp', 'ccf64ceae9c5403bf50a044cb6d505bfd2a2963ee58338ba268fd65beab92a9f'],
    ['mbpp-sanitized', 'ca95deaa9a01ef0a6f439f88bcf0dd3db3563d22f22aad6cae04ebb9a8d8c8e9'],
  ] as const)('ships %s byte for byte as released (sha256)', async (name, sha256) => {
    const bytes = await readFile(benchmarkSetPath(name));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha256);
  });

  it('keeps the MBPP test split at task_id 11-510', async () => {
    const rows = await loadBenchmarkSet('mbpp');
    expect(rows.filter((row) => row.task_id >= 11 && row.task_id <= 510)).toHaveLength(500);
  });
});
