import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareProgressWriter } from './compare-progress.js';
import { datasetInputFromArgument } from './load-dataset.js';

describe('datasetInputFromArgument', () => {
  it('reads name=path as a named dataset, and a path with = in it as a path', () => {
    const work = mkdtempSync(join(tmpdir(), 'dataset-argument-'));
    const odd = join(work, 'a=b.jsonl');
    writeFileSync(odd, '');
    mkdirSync(join(work, 'x=y'));
    expect(datasetInputFromArgument('human=data/train.jsonl')).toEqual({
      name: 'human',
      path: 'data/train.jsonl',
    });
    expect(datasetInputFromArgument('runs/demo')).toEqual({ path: 'runs/demo' });
    expect(datasetInputFromArgument(odd)).toEqual({ path: odd });
    expect(datasetInputFromArgument(join(work, 'x=y'))).toEqual({ path: join(work, 'x=y') });
    expect(datasetInputFromArgument('=data.jsonl')).toEqual({ path: '=data.jsonl' });
  });
});

describe('compareProgressWriter', () => {
  it('writes every message, t-SNE iterations at most once per interval', () => {
    const lines: string[] = [];
    const write = compareProgressWriter((line) => lines.push(line), 60_000);
    const iteration = (n: number) =>
      write({ kind: 'tsne-iteration', iteration: n, iterations: 3, message: `iteration ${n}` });
    iteration(1);
    iteration(2);
    write({ kind: 'tsne-done', points: 3, kl: 0.1, milliseconds: 5, message: 'done' });
    iteration(3);
    expect(lines).toEqual(['iteration 1', 'done']);
    const every = compareProgressWriter((line) => lines.push(line), 0);
    every({ kind: 'tsne-iteration', iteration: 4, iterations: 5, message: 'iteration 4' });
    every({ kind: 'tsne-iteration', iteration: 5, iterations: 5, message: 'iteration 5' });
    expect(lines.slice(-2)).toEqual(['iteration 4', 'iteration 5']);
  });
});
