// Compare the diversity of datasets and draw them on one page: what `treesynth eval diversity` and
// `treesynth report` do, as two calls. Run: node --conditions=@treesynth/source --import tsx examples/src/compare-datasets.ts [OUT]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildReport, compareDatasets, writeReport } from '@treesynth/eval';
import { createEmbedder } from '@treesynth/providers';

const out = process.argv[2] ?? 'runs/example-compare';
mkdirSync(out, { recursive: true });

// A JSONL file on disk and records in memory; a TreeSynth run folder works as a `path` too.
const varied = ['apples', 'trains', 'recipes', 'savings', 'gardens', 'tickets', 'marbles', 'paint'].map(
  (topic, index) => ({ question: `A question about ${topic}: what is ${index + 2} times ${index + 5}?` }),
);
writeFileSync(join(out, 'varied.jsonl'), varied.map((row) => JSON.stringify(row)).join('\n'));
const repetitive = Array.from({ length: 8 }, () => ({ question: 'What is 2 plus 2?' }));

const embedder = createEmbedder('hashing'); // offline; `use-lite` or `openai:<model>` for real encoders
const datasets = [
  { name: 'varied', path: join(out, 'varied.jsonl') },
  { name: 'repetitive', rows: repetitive },
];
const comparison = await compareDatasets({ datasets, embedder, seed: 0 });
for (const row of comparison.table.rows.filter((row) => ['meanCosine', 'vendi'].includes(row.id))) {
  console.log(`${row.id}: ${row.values.map((value) => value?.toFixed(3)).join(' vs ')}`);
}

const report = await buildReport({ datasets, embedder, seed: 0, title: 'varied vs repetitive' });
await writeReport(join(out, 'report.html'), report.input);
console.log(`report: ${join(out, 'report.html')} (${report.points} points)`);
