/**
 * Diversity metrics benchmark: prints, asserts nothing.
 *
 * (a) Timing of every metric at n × d (default 100,000 × 384) seeded random unit vectors, and of the
 *     text metrics on n texts synthesized from GSM8K train questions (each 1–3 context sentences
 *     and one question sentence drawn from different problems); the leaf metrics on a synthetic
 *     500-leaf tree with Zipf-like leaf sizes; the eigenvalue solver at d = 1024; the exact
 *     all-pairs nearest-neighbour distance at 20,000 points.
 * (b) Agreement with NumPy (/usr/bin/python3): mean pairwise cosine (brute force X Xᵀ on the first
 *     5,000 rows, the sum identity on all rows), Vendi (numpy.linalg.eigvalsh on Xᵀ X / n) and the
 *     nearest-neighbour distance (brute force on the first 5,000 rows), in Float64 from the same
 *     Float32 matrix, for the random vectors and for "real-ish" embeddings: the synthesized texts
 *     feature-hashed into d dimensions (signed hashing of word unigrams and bigrams, then unit rows),
 *     and real sentence embeddings: USE-Lite (512-d) of the first 2,000 GSM8K train questions.
 * (c) A whole `diversityReport` on the 7,473 hashed GSM8K train questions.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/eval/metrics.ts
 *          [--n 100000] [--dims 384] [--skip-numpy] [--skip-exact-nn]
 *
 * Single-threaded. Prints wall and CPU seconds and the load average: on a shared machine the wall
 * time grows with the other load.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PartitionTree } from '@treesynth/core';
import { createRandom, fixedSplit } from '@treesynth/core/internal';
import { createUseLiteEmbedder } from '@treesynth/embedders';
import {
  clusterEntropy,
  distinctN,
  diversityReport,
  duplicateRates,
  type EmbeddingMatrix,
  embeddingMatrixFromRows,
  leafCoverage,
  leafPairwiseCosine,
  meanPairwiseCosine,
  nearestNeighbourDistance,
  normalizeRows,
  selectRows,
  selfBleu,
  vendiScore,
} from '@treesynth/eval';
import { symmetricEigenvalues, tokenizeWords } from '@treesynth/eval/internal';
import { embedMany } from '@treesynth/providers';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const { values: flags } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    dims: { type: 'string', default: '384' },
    'skip-numpy': { type: 'boolean', default: false },
    'skip-exact-nn': { type: 'boolean', default: false },
  },
});
const n = Number(flags.n);
const dims = Number(flags.dims);
const BRUTE_FORCE_ROWS = Math.min(5000, n);

/** Prints wall and CPU seconds: on a shared machine the CPU time is the steadier of the two. */
function timed<T>(label: string, compute: () => T, describe: (value: T) => string): T {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const value = compute();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  console.log(
    `${label.padEnd(44)} ${seconds.toFixed(2).padStart(7)} s  ${cpuSeconds.toFixed(2).padStart(7)} s   ${describe(value)}`,
  );
  return value;
}

const format = (value: number, digits = 6) => (Number.isNaN(value) ? 'NaN' : value.toFixed(digits));

// ---------------------------------------------------------------------------------------------
// Inputs.

function randomUnitRows(rows: number, columns: number, seed: string): EmbeddingMatrix {
  const random = createRandom(seed);
  const data = new Float32Array(rows * columns);
  for (let i = 0; i < data.length; i += 2) {
    // Box-Muller: two standard normals per pair of uniforms.
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    data[i] = radius * Math.cos(angle);
    if (i + 1 < data.length) data[i + 1] = radius * Math.sin(angle);
  }
  return normalizeRows({ data, rows, dims: columns });
}

const questions = readFileSync(join(DATA, 'gsm8k/train.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { question: string }).question);

/** Texts made of 1–3 context sentences and one question sentence, each from a random problem. */
function synthesizeTexts(count: number, seed: string): string[] {
  const context: string[] = [];
  const asks: string[] = [];
  for (const question of questions) {
    const sentences = question.split(/(?<=[.?!])\s+/).filter(Boolean);
    const last = sentences.pop();
    if (last) asks.push(last);
    context.push(...sentences);
  }
  const random = createRandom(seed);
  const draw = (list: string[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, () => {
    const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => draw(context));
    return [...parts, draw(asks)].join(' ');
  });
}

/** Signed feature hashing of word unigrams and bigrams into `columns` dimensions, unit rows. */
function hashEmbed(texts: readonly string[], columns: number): EmbeddingMatrix {
  const data = new Float32Array(texts.length * columns);
  const hash = (text: string) => {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return (h ^ (h >>> 12)) >>> 0;
  };
  texts.forEach((text, row) => {
    const tokens = tokenizeWords(text);
    const features = [...tokens, ...tokens.slice(1).map((token, i) => `${tokens[i]} ${token}`)];
    for (const feature of features) {
      const h = hash(feature);
      const column = h % columns;
      data[row * columns + column] = data[row * columns + column]! + (h & 0x80000000 ? -1 : 1);
    }
  });
  return normalizeRows({ data, rows: texts.length, dims: columns });
}

/** A 20 × 25 = 500-leaf tree and leaf ids for `count` samples, Zipf-like over the leaves. */
function syntheticRun(count: number, seed: string): { tree: PartitionTree; leafIds: string[] } {
  const tree = new PartitionTree();
  const topics = tree.applySplit(
    tree.root.id,
    fixedSplit(
      'topic',
      Array.from({ length: 20 }, (_, i) => `topic ${i}`),
    ),
  );
  for (const topic of topics) {
    const levels = tree.applySplit(
      topic.id,
      fixedSplit(
        'level',
        Array.from({ length: 25 }, (_, i) => `level ${i}`),
      ),
    );
    for (const level of levels) tree.markLeaf(level.id, 'max-depth');
  }
  const leaves = tree.leaves();
  const weights = leaves.map((_, rank) => 1 / (rank + 1) ** 0.8);
  const cumulative: number[] = [];
  weights.reduce((sum, weight) => {
    cumulative.push(sum + weight);
    return sum + weight;
  }, 0);
  const total = cumulative[cumulative.length - 1]!;
  const random = createRandom(seed);
  const leafIds = Array.from({ length: count }, () => {
    const target = random() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cumulative[middle]! < target) low = middle + 1;
      else high = middle;
    }
    return leaves[low]!.id;
  });
  return { tree, leafIds };
}

// ---------------------------------------------------------------------------------------------
// (a) Timings.

const loadAverage = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
console.log(
  `node ${process.version}, ${cpus().length} cores, load average ${loadAverage()}, ${n} × ${dims}\n`,
);
console.log(`(a) timings\n\n${''.padEnd(44)}    wall       cpu`);
const random = timed(
  'random unit vectors (input)',
  () => randomUnitRows(n, dims, 'bench'),
  () => '',
);
const texts = timed(
  'synthesized GSM8K texts (input)',
  () => synthesizeTexts(n, 'bench'),
  (list) => `mean ${Math.round(list.reduce((sum, text) => sum + text.length, 0) / list.length)} chars`,
);
const { tree, leafIds } = syntheticRun(n, 'bench');

timed(
  'normalizeRows',
  () => normalizeRows(random),
  () => '',
);
timed(
  'meanPairwiseCosine',
  () => meanPairwiseCosine(random),
  (value) => format(value, 8),
);
timed(
  'leafPairwiseCosine (500 leaves)',
  () => leafPairwiseCosine(random, leafIds),
  (value) => `within ${format(value.withinLeaf)}, across ${format(value.acrossLeaves)}`,
);
timed(
  'vendiScore',
  () => vendiScore(random),
  (value) => format(value, 3),
);
timed(
  'nearestNeighbourDistance (10,000 queries)',
  () => nearestNeighbourDistance(random),
  (value) => `mean ${format(value.mean)}, ${value.queries} queries`,
);
if (!flags['skip-exact-nn']) {
  const rows = Math.min(20_000, n);
  const subset = selectRows(
    random,
    Array.from({ length: rows }, (_, i) => i),
  );
  timed(
    `nearestNeighbourDistance (all ${rows}, exact)`,
    () => nearestNeighbourDistance(subset),
    (value) => `mean ${format(value.mean)}`,
  );
}
timed(
  'clusterEntropy (k = 100)',
  () => clusterEntropy(random),
  (value) =>
    `entropy ${format(value.entropy, 4)}, k ${value.k}, ${value.iterations} iterations${value.converged ? '' : ' (not converged)'}`,
);
timed(
  'distinctN (1, 2, 3)',
  () => distinctN(texts),
  (value) => value.map((entry) => `d${entry.order} ${format(entry.ratio, 4)}`).join(', '),
);
timed(
  'selfBleu (500 vs 1,000)',
  () => selfBleu(texts),
  (value) => format(value.score, 4),
);
timed(
  'duplicateRates (MinHash 128, Jaccard 0.8)',
  () => duplicateRates(texts),
  (value) =>
    `exact ${format(value.exactDuplicateRate, 4)}, near ${format(value.nearDuplicateRate, 4)}, ${value.candidatePairs} pairs checked`,
);
timed(
  'leafCoverage (500 leaves)',
  () => leafCoverage(tree, leafIds),
  (value) =>
    `coverage ${format(value.coverage, 3)}, entropy ${format(value.normalizedEntropy, 4)}, gini ${format(value.samplesPerLeaf.gini, 3)}`,
);
{
  const size = 1024;
  const generator = createRandom('eigen');
  const matrix = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let j = 0; j <= i; j++) {
      const value = generator() - 0.5;
      matrix[i * size + j] = value;
      matrix[j * size + i] = value;
    }
  }
  timed(
    'symmetricEigenvalues (1024 × 1024)',
    () => symmetricEigenvalues(matrix, size),
    (value) => `λ in [${format(value[0]!, 3)}, ${format(value[size - 1]!, 3)}]`,
  );
}

// ---------------------------------------------------------------------------------------------
// (b) Agreement with NumPy.

const NUMPY_SCRIPT = `
import json, sys
import numpy as np
path, n, d, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
x = np.fromfile(path, dtype=np.float32).reshape(n, d).astype(np.float64)
head = x[:m]
gram = head @ head.T
brute = (gram.sum() - np.trace(gram)) / (m * (m - 1))
np.fill_diagonal(gram, -np.inf)
nearest = float(np.mean(1 - gram.max(axis=1)))
total = x.sum(axis=0)
identity = (total @ total - (x * x).sum()) / (n * (n - 1))
eig = np.clip(np.linalg.eigvalsh(x.T @ x / n), 0, None)
p = eig / eig.sum()
p = p[p > 0]
vendi = float(np.exp(-(p * np.log(p)).sum()))
print(json.dumps({"brute": float(brute), "identity": float(identity), "vendi": vendi, "nearest": nearest}))
`;

function compareWithNumpy(label: string, embeddings: EmbeddingMatrix): void {
  const bruteRows = Math.min(BRUTE_FORCE_ROWS, embeddings.rows);
  const directory = mkdtempSync(join(tmpdir(), 'treesynth-metrics-'));
  try {
    const file = join(directory, 'embeddings.f32');
    const script = join(directory, 'reference.py');
    writeFileSync(file, embeddings.data);
    writeFileSync(script, NUMPY_SCRIPT);
    const started = performance.now();
    const output = execFileSync(
      '/usr/bin/python3',
      [script, file, String(embeddings.rows), String(embeddings.dims), String(bruteRows)],
      { encoding: 'utf8', maxBuffer: 1 << 20 },
    );
    const numpySeconds = (performance.now() - started) / 1000;
    const reference = JSON.parse(output) as {
      brute: number;
      identity: number;
      vendi: number;
      nearest: number;
    };
    const head = selectRows(
      embeddings,
      Array.from({ length: bruteRows }, (_, i) => i),
    );
    const ours = {
      brute: meanPairwiseCosine(head),
      identity: meanPairwiseCosine(embeddings),
      vendi: vendiScore(embeddings),
      nearest: nearestNeighbourDistance(head).mean,
      nearest64: nearestNeighbourDistance(head, { float64: true }).mean,
    };
    console.log(`\n${label} (NumPy ${numpySeconds.toFixed(1)} s)`);
    console.log(
      ['quantity', 'ours', 'numpy', 'abs diff', 'rel diff']
        .map((cell, index) => (index === 0 ? cell.padEnd(40) : cell.padEnd(22)))
        .join(''),
    );
    const rows: [string, number, number][] = [
      [`mean cosine, first ${bruteRows} (brute)`, ours.brute, reference.brute],
      [`mean cosine, all ${embeddings.rows}`, ours.identity, reference.identity],
      ['vendi score', ours.vendi, reference.vendi],
      [`nn distance, first ${bruteRows} (f32 SIMD)`, ours.nearest, reference.nearest],
      [`nn distance, first ${bruteRows} (float64)`, ours.nearest64, reference.nearest],
    ];
    for (const [name, mine, theirs] of rows) {
      const difference = Math.abs(mine - theirs);
      console.log(
        [
          name,
          mine.toPrecision(12),
          theirs.toPrecision(12),
          difference.toExponential(2),
          (difference / Math.abs(theirs)).toExponential(2),
        ]
          .map((cell, index) => (index === 0 ? cell.padEnd(40) : cell.padEnd(22)))
          .join(''),
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

if (!flags['skip-numpy']) {
  console.log('\n(b) agreement with NumPy (Float64 on the same Float32 matrix)');
  compareWithNumpy('random unit vectors', random);
  compareWithNumpy('feature-hashed synthesized GSM8K texts', hashEmbed(texts, dims));
  // Real sentence embeddings: the Universal Sentence Encoder Lite (512-d) on GSM8K train questions.
  const encoder = createUseLiteEmbedder();
  try {
    const sentences = questions.slice(0, 2000);
    const { embeddings } = await embedMany({ embedder: encoder, values: sentences });
    compareWithNumpy(
      `USE-Lite embeddings of ${sentences.length} GSM8K train questions (512-d)`,
      normalizeRows(embeddingMatrixFromRows(embeddings)),
    );
  } finally {
    await encoder.close();
  }
}

// ---------------------------------------------------------------------------------------------
// (c) A whole report on real-ish data.

console.log(
  `\n(c) diversityReport on the ${questions.length} GSM8K train questions, feature-hashed to ${dims} dims`,
);
const gsm8k = syntheticRun(questions.length, 'gsm8k');
const report = diversityReport({
  embeddings: hashEmbed(questions, dims),
  texts: questions,
  leafIds: gsm8k.leafIds,
  tree: gsm8k.tree,
});
const { metrics } = report;
const lines: [string, string][] = [
  ['meanCosine ↓', format(metrics.meanCosine ?? Number.NaN, 4)],
  [
    'leafCosine ↓ within / across',
    `${format(metrics.leafCosine?.withinLeaf ?? Number.NaN, 4)} / ${format(metrics.leafCosine?.acrossLeaves ?? Number.NaN, 4)}`,
  ],
  ['vendi ↑', format(metrics.vendi ?? Number.NaN, 1)],
  ['nearestNeighbour ↑', format(metrics.nearestNeighbour?.mean ?? Number.NaN, 4)],
  ['clusterEntropy ↑', format(metrics.clusterEntropy?.entropy ?? Number.NaN, 4)],
  ['distinct-1/2/3 ↑', (metrics.distinctN ?? []).map((entry) => format(entry.ratio, 4)).join(' / ')],
  ['selfBleu ↓', format(metrics.selfBleu?.score ?? Number.NaN, 4)],
  [
    'exact / near duplicates ↓',
    `${format(metrics.duplicates?.exactDuplicateRate ?? Number.NaN, 4)} / ${format(metrics.duplicates?.nearDuplicateRate ?? Number.NaN, 4)}`,
  ],
  [
    'leaf coverage / entropy ↑ (synthetic leaves)',
    `${format(metrics.leafCoverage?.coverage ?? Number.NaN, 3)} / ${format(metrics.leafCoverage?.normalizedEntropy ?? Number.NaN, 4)}`,
  ],
];
for (const [name, value] of lines) console.log(`  ${name.padEnd(46)} ${value}`);
console.log(
  `  timings: ${Object.entries(report.timingsMs)
    .map(([name, milliseconds]) => `${name} ${Math.round(milliseconds ?? 0)} ms`)
    .join(', ')}`,
);
console.log(`\nload average at the end ${loadAverage()}`);
