/**
 * Embedders benchmark: throughput (sentences per second) of each offline embedder on GSM8K train
 * questions, and two quality checks that decide the offline default:
 * - paraphrase recall@1: each question lightly rewritten (synonyms, clause order) must retrieve its
 *   original among all originals;
 * - MATH-subject accuracy: nearest of the seven subject centroids (10 problems each) on MATH-500.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/providers/embedders.ts [--n 1000]
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Embedder } from '@treesynth/core';
import {
  createGloveSifEmbedder,
  createTransformersEmbedder,
  createUseLiteEmbedder,
  exportGloveSifModel,
  type UseLiteEmbedder,
} from '@treesynth/embedders';
import { createHashingEmbedder, embedMany } from '@treesynth/providers';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const { values: flags } = parseArgs({ options: { n: { type: 'string', default: '1000' } } });
const n = Number(flags.n);

const questions = readFileSync(join(DATA, 'gsm8k/train.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { question: string }).question);
const math = readFileSync(join(DATA, 'math/math500_test.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as { problem: string; subject: string });

const SYNONYMS: Record<string, string> = {
  bought: 'purchased',
  buys: 'purchases',
  has: 'owns',
  each: 'every',
  total: 'overall',
  many: 'much',
  sold: 'sold off',
  friends: 'pals',
  money: 'cash',
  makes: 'earns',
  week: 'seven days',
  day: 'daily period',
};

/**
 * A deterministic rewrite that keeps the problem recognisable but changes much of its surface:
 * synonym swaps, every number written out differently (digits kept, commas dropped), the first
 * sentence removed when there are three or more, and the remaining sentences in reverse order.
 */
function paraphrase(text: string): string {
  const swapped = text
    .replace(/\b\w+\b/g, (word) => SYNONYMS[word.toLowerCase()] ?? word)
    .replace(/(\d),(\d)/g, '$1$2');
  const sentences = swapped.split(/(?<=[.?!])\s+/);
  if (sentences.length >= 3) sentences.shift();
  return sentences.reverse().join(' ');
}

function unit(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm) || 1;
  return vector.map((value) => value / norm);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += a[index]! * b[index]!;
  return sum;
}

async function throughput(embedder: Embedder, texts: string[]): Promise<number> {
  const started = performance.now();
  await embedMany({ embedder, values: texts });
  return texts.length / ((performance.now() - started) / 1000);
}

async function recallAtOne(embedder: Embedder, texts: string[]): Promise<number> {
  const originals = (await embedMany({ embedder, values: texts })).embeddings.map(unit);
  const rewritten = (await embedMany({ embedder, values: texts.map(paraphrase) })).embeddings.map(unit);
  let hits = 0;
  rewritten.forEach((query, index) => {
    let best = -1;
    let bestScore = -2;
    originals.forEach((candidate, position) => {
      const score = dot(query, candidate);
      if (score > bestScore) [best, bestScore] = [position, score];
    });
    if (best === index) hits++;
  });
  return hits / texts.length;
}

async function subjectAccuracy(embedder: Embedder): Promise<number> {
  const vectors = (await embedMany({ embedder, values: math.map((item) => item.problem) })).embeddings.map(
    unit,
  );
  const subjects = [...new Set(math.map((item) => item.subject))];
  const prototypes = new Set<number>();
  const centroids = subjects.map((subject) => {
    const members = math.flatMap((item, index) => (item.subject === subject ? [index] : [])).slice(0, 10);
    for (const member of members) prototypes.add(member);
    const centroid = new Float32Array(vectors[0]!.length);
    for (const member of members) {
      for (const [dim, value] of vectors[member]!.entries()) centroid[dim]! += value;
    }
    return unit(centroid);
  });
  let correct = 0;
  let total = 0;
  math.forEach((item, index) => {
    if (prototypes.has(index)) return;
    const scores = centroids.map((centroid) => dot(vectors[index]!, centroid));
    if (subjects[scores.indexOf(Math.max(...scores))] === item.subject) correct++;
    total++;
  });
  return correct / total;
}

const sample = questions.slice(0, n);
// The same GloVe-SIF model written as an ONNX folder, to run it on the transformers.js path.
const gloveFolder = join(mkdtempSync(join(tmpdir(), 'glove-sif-onnx-')), 'model');
const exportStarted = performance.now();
exportGloveSifModel(gloveFolder);
console.log(`exported GloVe-SIF as ONNX in ${((performance.now() - exportStarted) / 1000).toFixed(1)} s`);
{
  const texts = sample.slice(0, 200).filter((text) => !text.includes("'"));
  const direct = (await embedMany({ embedder: createGloveSifEmbedder(), values: texts })).embeddings;
  const onnxPath = (
    await embedMany({ embedder: createTransformersEmbedder({ model: gloveFolder }), values: texts })
  ).embeddings;
  const agreement = direct.map((vector, index) => dot(unit(vector), unit(onnxPath[index]!)));
  console.log(
    `GloVe-SIF, JS vs ONNX path on ${texts.length} questions: mean cosine ${(agreement.reduce((a, b) => a + b, 0) / agreement.length).toFixed(6)}, min ${Math.min(...agreement).toFixed(6)}`,
  );
}
const rows: string[][] = [];
const candidates: [string, () => Embedder & Partial<Pick<UseLiteEmbedder, 'close'>>][] = [
  ['hashing-1024', () => createHashingEmbedder()],
  ['glove-sif (100-d GloVe)', () => createGloveSifEmbedder()],
  [
    'glove-sif on transformers.js (ONNX)',
    () => createTransformersEmbedder({ model: gloveFolder, batchSize: 64 }),
  ],
  ['use-lite (1 worker)', () => createUseLiteEmbedder({ workers: 1 })],
  ['use-lite (2 workers)', () => createUseLiteEmbedder({ workers: 2 })],
];
for (const [name, make] of candidates) {
  const embedder = make();
  await embedMany({ embedder, values: sample.slice(0, 8) }); // load the model outside the timing
  const speed = await throughput(embedder, sample);
  const recall = await recallAtOne(embedder, sample.slice(0, 500));
  const accuracy = await subjectAccuracy(embedder);
  await embedder.close?.();
  rows.push([name, speed.toFixed(0), recall.toFixed(3), accuracy.toFixed(3)]);
}
console.log(
  `embedders on ${n} GSM8K train questions (paraphrase recall on 500; MATH-500 subjects, 10-example centroids)`,
);
console.log(['embedder', 'sentences/s', 'paraphrase R@1', 'MATH subject acc'].join('\t'));
for (const row of rows) console.log(row.join('\t'));
