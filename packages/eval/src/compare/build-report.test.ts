import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { compareSampleIds } from '@treesynth/core/internal';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport, compareDatasets, writeReport } from '../index.js';
import { writeRunFolder } from './_run-folder.fixture.js';
import { wordEmbedder } from './_word-embedder.fixture.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-build-report-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const ALGEBRA = [
  'Solve for x when twice x plus three is eleven.',
  'A number tripled and reduced by four gives twenty.',
  'The sum of two consecutive numbers is forty one.',
  'Half of a number plus seven equals nineteen.',
];
const GEOMETRY = [
  'A rectangle is nine metres long and four wide; find its area.',
  'A circle has a radius of five centimetres; find its diameter.',
  'A triangle has sides three, four and five; find its perimeter.',
];
const HUMAN = [
  'Sara buys three notebooks for two dollars each.',
  'Tom reads twelve pages every evening for a week.',
  'A baker sells forty loaves on Monday and half as many on Tuesday.',
  'Each box holds six eggs; how many boxes hold ninety eggs?',
  'A train leaves at noon travelling sixty miles per hour.',
  'Lena saves five dollars a week for eight weeks.',
];

describe('buildReport', () => {
  it('builds a joint map, the run’s tree and the metric table, and writeReport draws it', async () => {
    const run = join(work, 'run');
    const leaves = await writeRunFolder(run, { algebra: ALGEBRA, geometry: GEOMETRY });
    const human = HUMAN.map((question) => ({ question }));
    const options = {
      datasets: [
        { name: 'treesynth', path: run },
        { name: 'human', rows: human },
      ],
      embedder: wordEmbedder(),
      seed: 7,
    };
    const report = await buildReport({ ...options, maxPoints: 100, title: 'Run vs human' });
    expect(report.datasets).toEqual(['treesynth', 'human']);
    expect(report.points).toBe(13);
    expect(Number.isFinite(report.kl)).toBe(true);
    const { input } = report;
    expect(input.title).toBe('Run vs human');
    expect(input.simulated).toBe(true);
    // Every row is on the map, the run's in sample-id order whatever order samples.jsonl has.
    const [runPoints, humanPoints] = input.datasets;
    const byId = [...ALGEBRA.map((text, position) => ({ text, id: `${leaves[0]}.0.${position}` }))]
      .concat(GEOMETRY.map((text, position) => ({ text, id: `${leaves[1]}.0.${position}` })))
      .sort((a, b) => compareSampleIds(a.id, b.id));
    expect(runPoints!.texts).toEqual(byId.map((entry) => entry.text));
    expect(runPoints!.points!.x).toHaveLength(7);
    expect([...runPoints!.points!.x, ...humanPoints!.points!.y].every(Number.isFinite)).toBe(true);
    expect(runPoints!.branch).toEqual(
      byId.map((entry) => (ALGEBRA.includes(entry.text) ? 'algebra' : 'geometry')),
    );
    expect(runPoints!.leafPaths![0]).toMatch(/^topic: (algebra|geometry)$/);
    expect(humanPoints!.texts).toEqual(HUMAN);
    expect(humanPoints!.branch).toBeUndefined();
    // The tree: the root and two leaves sized by their samples.
    expect(input.tree!.nodes.map((node) => [node.label, node.samples])).toEqual([
      ['treesynth', 0],
      ['topic: algebra', 4],
      ['topic: geometry', 3],
    ]);
    // The table is compareDatasets' table for the same options.
    expect(input.metrics).toEqual((await compareDatasets({ ...options, embedder: wordEmbedder() })).table);
    expect(input.notes![0]).toMatch(/^Embeddings: test\/words-64\. t-SNE: 13 points/);

    const file = join(work, 'out', 'report.html');
    await writeReport(file, input);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Run vs human');
    expect(html).toContain('Partition tree');
  });

  it('shares maxPoints over the datasets, and draws no map without an embedder', async () => {
    const rows = (prefix: string, count: number) =>
      Array.from({ length: count }, (_, index) => ({ text: `${prefix} question number ${index} here` }));
    const datasets = [
      { name: 'small', rows: rows('small', 3) },
      { name: 'large', rows: rows('large', 40) },
    ];
    const shared = await buildReport({ datasets, embedder: wordEmbedder(), maxPoints: 20 });
    expect(shared.points).toBe(20);
    expect(shared.input.datasets.map((dataset) => [dataset.texts.length, dataset.samples])).toEqual([
      [3, 3],
      [17, 40],
    ]);
    const textOnly = await buildReport({ datasets, maxPoints: 20 });
    expect(textOnly).toMatchObject({ points: 0, kl: null });
    expect(textOnly.input.datasets[0]!.points).toBeUndefined();
    expect(textOnly.input.notes![0]).toBe('No embedder: text metrics only, no t-SNE map.');
    expect(textOnly.input.title).toBe('TreeSynth report: small vs large');
    const error = await buildReport({ datasets, maxPoints: -1 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).path).toBe('maxPoints');
  });
});
