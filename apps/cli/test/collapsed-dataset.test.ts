import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-harness.js';

// A collapsed dataset (every row the same text) has a rank-one embedding kernel, whose eigenvalues
// once made the solver throw "QL did not converge" from 51 rows on. A diversity tool must score it.

const work = mkdtempSync(join(tmpdir(), 'treesynth-collapsed-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function collapsedFile(rows: number): string {
  const file = join(work, `same-${rows}.jsonl`);
  const line = JSON.stringify({ question: 'How many apples are left in the basket?', answer: '#### 3' });
  writeFileSync(file, `${Array.from({ length: rows }, () => line).join('\n')}\n`);
  return file;
}

interface DiversityJson {
  datasets: {
    samples: number;
    metrics: {
      meanCosine: number;
      vendi: number;
      nearestNeighbour: { duplicateFraction: number };
      duplicates: { exactDuplicateRate: number; nearDuplicateRate: number };
    };
  }[];
}

describe.each([60, 600])('a dataset of %i identical questions', (rows) => {
  const file = collapsedFile(rows);

  it('scores as one sample under `eval diversity`', { timeout: 120_000 }, async () => {
    const result = await runCli(['eval', 'diversity', file, '--json', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const [dataset] = (JSON.parse(result.stdout) as DiversityJson).datasets;
    expect(dataset!.samples).toBe(rows);
    expect(Math.abs(dataset!.metrics.vendi - 1)).toBeLessThan(1e-6);
    expect(Math.abs(dataset!.metrics.meanCosine - 1)).toBeLessThan(1e-6);
    // Every row's nearest neighbour is a duplicate; every row after the first repeats an earlier one.
    expect(dataset!.metrics.nearestNeighbour.duplicateFraction).toBe(1);
    expect(dataset!.metrics.duplicates.exactDuplicateRate).toBeCloseTo((rows - 1) / rows, 12);
    expect(dataset!.metrics.duplicates.nearDuplicateRate).toBeCloseTo((rows - 1) / rows, 12);
  });

  it('gets a report with a t-SNE map of finite points', { timeout: 180_000 }, async () => {
    const out = join(work, `report-${rows}.html`);
    const result = await runCli(['report', file, '--out', out, '--json', '--quiet']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { report: string; points: number; kl: number };
    expect(summary.report).toBe(out);
    expect(summary.points).toBe(rows);
    expect(Number.isFinite(summary.kl)).toBe(true);
    expect(existsSync(out)).toBe(true);
    const html = readFileSync(out, 'utf8');
    const data = JSON.parse(
      html.match(/<script type="application\/json" id="report-data">(.*?)<\/script>/s)![1]!,
    ) as { scatter: { x: number[]; y: number[] }[] };
    const points = data.scatter.flatMap((trace) => [...trace.x, ...trace.y]);
    expect(points).toHaveLength(2 * rows);
    expect(points.every(Number.isFinite)).toBe(true);
    const table = html.match(/<table class="metrics">(.*?)<\/table>/s)![1]!;
    const cells = (name: string) =>
      table
        .match(new RegExp(`<tr><th scope="row"><div class="metric-name">${name}</div>.*?</tr>`, 's'))![0]
        .match(/<td class="number">([^<]*)<\/td>/)![1];
    expect(cells('Vendi score')).toBe('1');
    expect(cells('mean pairwise cosine')).toBe('1');
  });
});
