/**
 * t-SNE benchmark: our TypeScript t-SNE against scikit-learn's Barnes–Hut t-SNE. Prints, asserts
 * nothing.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/eval/tsne.ts
 *          [--sizes 2000,10000,50000] [--sklearn-max 10000] [--exact-kl-max 20000] [--workers 2]
 *          [--skip-sklearn] [--embedder features|use-lite|<spec>] [--cache-dir DIR]
 *
 * Input: 512-d sentence embeddings built deterministically from GSM8K train questions, then MATH-500
 * problems and MBPP task texts, then sentence-shuffled variants of those (seeded), each text
 * feature-hashed (signed word unigrams and bigrams and character trigrams, L2-normalised rows; no
 * model). `--embedder use-lite` uses real sentence embeddings instead: the Universal Sentence
 * Encoder Lite (512-d), cached in --cache-dir (embedding 10,000 texts takes several minutes the first
 * time). For every size both tools get the same PCA-50 matrix: ours computes it from the 512-d
 * rows inside `tsne` (its time is counted), and the identical PCA (`principalComponents`, Float32)
 * is written to a raw file for scikit-learn, whose time is taken around `fit_transform` alone.
 * Both: perplexity 30, 1000 iterations, early exaggeration 12 for 250, PCA initialisation, learning
 * rate 'auto', θ = 0.5, `--workers` threads (scikit-learn: `n_jobs` and `OMP_NUM_THREADS`).
 * scikit-learn runs for sizes up to --sklearn-max; bigger sizes run ours only, and above 20,000
 * points (where ours searches neighbours approximately) also print the recall of that search
 * against brute force on 500 sampled points.
 *
 * Two KLs per tool:
 * - "BH KL" is each tool's own final KL(P‖Q): Σ p ln(p / q) over the sparse P, with Q normalised by
 *   the Barnes–Hut estimate of Z = Σ_{i≠j} 1 / (1 + d²) (this is how scikit-learn computes
 *   `kl_divergence_`, at the positions of its last gradient step; ours at the final positions);
 * - "exact KL" (sizes up to --exact-kl-max) is computed here for both final embeddings alike: one
 *   sparse P (exact 91 nearest neighbours, perplexity 30, symmetrised, as both tools build it) and
 *   the exact O(n²) Z.
 *
 * Wall and CPU seconds are printed with the load average: on a shared machine the wall time grows
 * with the other load, for both tools alike; compare ratios taken in the same run. "speed-up" is
 * scikit-learn's wall time over ours, "CPU ratio" the same for CPU time (less sensitive to load).
 * Our times include PCA from 512 dimensions; scikit-learn's start from the PCA-50 matrix.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRandom } from '@treesynth/core/internal';
import { EXACT_NEIGHBOURS_MAX_ROWS, principalComponents, tsne } from '@treesynth/eval';
import { createEmbedder, embedMany } from '@treesynth/providers';
// Internals (neighbour graph and P), which the package does not export.
import {
  type Affinities,
  calibrateAffinities,
  symmetrizeAffinities,
} from '../../packages/eval/src/tsne/affinities.js';
import { nearestNeighbours } from '../../packages/eval/src/tsne/nearest-neighbours.js';
import { createKernelPool } from '../../packages/eval/src/tsne/worker-pool.js';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const DIMS = 512;
const PERPLEXITY = 30;
/** Neighbours per point for P, as scikit-learn: min(n − 1, ⌊3·perplexity + 1⌋). */
const NEIGHBOURS = Math.floor(3 * PERPLEXITY + 1);
const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '2000,10000,50000' },
    'sklearn-max': { type: 'string', default: '10000' },
    'exact-kl-max': { type: 'string', default: '20000' },
    workers: { type: 'string', default: '2' },
    'skip-sklearn': { type: 'boolean', default: false },
    embedder: { type: 'string', default: 'features' },
    'cache-dir': { type: 'string', default: join(tmpdir(), 'treesynth-tsne-benchmark-embeddings') },
  },
});
const sizes = flags.sizes.split(',').map(Number);
const sklearnMax = Number(flags['sklearn-max']);
const exactKlMax = Number(flags['exact-kl-max']);
const workers = Number(flags.workers);

// ---------------------------------------------------------------------------------------------
// Texts and embeddings.

function readJsonl(path: string, field: string): string[] {
  return readFileSync(join(DATA, path), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => String((JSON.parse(line) as Record<string, unknown>)[field]));
}

function sentences(text: string): string[] {
  return text
    .trim()
    .split(/(?<=[.?!])\s+/)
    .filter((sentence) => sentence !== '');
}

/** The first `count` texts: the data sets' own, then seeded sentence-shuffled variants of them. */
function benchmarkTexts(count: number): string[] {
  const base = [
    ...new Set([
      ...readJsonl('gsm8k/train.jsonl', 'question'),
      ...readJsonl('math/math500_test.jsonl', 'problem'),
      ...readJsonl('mbpp/mbpp.jsonl', 'text'),
    ]),
  ];
  const texts = base.slice(0, count);
  const seen = new Set(texts);
  const random = createRandom('tsne-benchmark-variants');
  const shufflable = base.map(sentences).filter((parts) => parts.length >= 2);
  for (let round = 0; texts.length < count; round++) {
    for (const parts of shufflable) {
      if (texts.length >= count) break;
      for (let attempt = 0; attempt < 4; attempt++) {
        const shuffled = [...parts];
        for (let index = shuffled.length - 1; index > 0; index--) {
          const other = Math.floor(random() * (index + 1));
          [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
        }
        const variant = shuffled.join(' ');
        if (seen.has(variant)) continue;
        seen.add(variant);
        texts.push(variant);
        break;
      }
    }
    if (round > 1000) throw new Error('cannot make enough distinct variants');
  }
  return texts;
}

/** FNV-1a, 32-bit. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    value ^= text.charCodeAt(index);
    value = Math.imul(value, 0x01000193) >>> 0;
  }
  return value;
}

/** Signed feature hashing of word unigrams, word bigrams and character trigrams; unit rows. */
function embedTexts(texts: string[], dims: number): Float32Array {
  const matrix = new Float32Array(texts.length * dims);
  const row = new Float64Array(dims);
  texts.forEach((text, index) => {
    row.fill(0);
    const add = (feature: string) => {
      const value = hash(feature);
      row[value % dims]! += value & 0x80000000 ? -1 : 1;
    };
    const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
    words.forEach((word, position) => {
      add(`w ${word}`);
      if (position > 0) add(`b ${words[position - 1]} ${word}`);
      const marked = ` ${word} `;
      for (let start = 0; start + 3 <= marked.length; start++) add(`c ${marked.slice(start, start + 3)}`);
    });
    const norm = Math.hypot(...row) || 1;
    for (let dim = 0; dim < dims; dim++) matrix[index * dims + dim] = row[dim]! / norm;
  });
  return matrix;
}

// ---------------------------------------------------------------------------------------------
// Runs.

interface Outcome {
  seconds: number;
  cpuSeconds: number;
  /** The tool's own final KL (Barnes–Hut Z). */
  kl: number;
  threads: number;
  embedding: Float32Array;
}

const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np
from sklearn.manifold import TSNE
path, rows, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = np.fromfile(path, dtype=np.float32).reshape(rows, -1)
model = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, n_iter=1000, init='pca',
             learning_rate='auto', method='barnes_hut', angle=0.5, n_jobs=threads, random_state=0)
wall, cpu = time.perf_counter(), time.process_time()
embedding = model.fit_transform(data)
seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
embedding.astype(np.float32).tofile(path + '.embedding')
print(json.dumps({'seconds': seconds, 'cpuSeconds': cpu_seconds, 'kl': float(model.kl_divergence_),
                  'iterations': int(model.n_iter_)}))
`;

function runSklearn(path: string, rows: number): Outcome {
  const attempt = (env: NodeJS.ProcessEnv) =>
    execFileSync('/usr/bin/python3', ['-c', SKLEARN_SCRIPT, path, String(rows), String(workers)], {
      encoding: 'utf8',
      env: { ...env, OMP_NUM_THREADS: String(workers), OPENBLAS_NUM_THREADS: String(workers) },
      maxBuffer: 1 << 20,
    });
  let output: string;
  try {
    output = attempt(process.env);
  } catch {
    // Some OpenBLAS builds reject the machine-wide core type hints; drop them for this command only.
    const { OPENBLAS_CORETYPE: _coreType, OPENBLAS_L2_SIZE: _l2Size, ...env } = process.env;
    output = attempt(env);
  }
  const result = JSON.parse(output.trim().split('\n').at(-1)!) as Omit<Outcome, 'threads' | 'embedding'>;
  const bytes = readFileSync(`${path}.embedding`);
  const embedding = new Float32Array(bytes.buffer, bytes.byteOffset, 2 * rows);
  return { ...result, threads: workers, embedding };
}

async function runOurs(data: Float32Array, rows: number): Promise<Outcome & { detail: string }> {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const result = await tsne(data, {
    rows,
    dims: DIMS,
    perplexity: PERPLEXITY,
    iterations: 1000,
    seed: 0,
    workers,
    onProgress: ({ phase, iteration }) => {
      if (phase !== 'optimize' || iteration % 250 === 0)
        process.stderr.write(`  n=${rows}: ${phase} ${iteration}\n`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const { pcaMs, neighboursMs, affinitiesMs, optimizeMs } = result.timings;
  const detail =
    `pca ${(pcaMs / 1000).toFixed(1)} s, ${result.neighbourMethod} kNN ${(neighboursMs / 1000).toFixed(1)} s, ` +
    `P ${(affinitiesMs / 1000).toFixed(1)} s, gradient descent ${(optimizeMs / 1000).toFixed(1)} s`;
  return {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    kl: result.kl,
    threads: result.threads,
    embedding: result.embedding,
    detail,
  };
}

/** The sparse P both tools build: exact neighbours, calibrated to the perplexity, symmetrised. */
async function jointProbabilities(reduced: Float64Array, rows: number, dims: number): Promise<Affinities> {
  const pool = createKernelPool(workers);
  try {
    const k = Math.min(rows - 1, NEIGHBOURS);
    const graph = await nearestNeighbours(pool, reduced, rows, dims, k, { method: 'exact' });
    const { conditional } = await calibrateAffinities(pool, graph, rows, PERPLEXITY);
    return symmetrizeAffinities(graph, conditional, rows);
  } finally {
    await pool.close();
  }
}

/** KL(P‖Q) with the exact Z = Σ_{i≠j} 1 / (1 + d²), O(n²). */
function exactKl(affinities: Affinities, embedding: Float32Array, rows: number): number {
  const x = new Float64Array(rows);
  const y = new Float64Array(rows);
  for (let row = 0; row < rows; row++) {
    x[row] = embedding[2 * row]!;
    y[row] = embedding[2 * row + 1]!;
  }
  let halfZ = 0;
  for (let i = 0; i < rows; i++) {
    const xi = x[i]!;
    const yi = y[i]!;
    for (let j = i + 1; j < rows; j++) {
      const dx = xi - x[j]!;
      const dy = yi - y[j]!;
      halfZ += 1 / (1 + dx * dx + dy * dy);
    }
  }
  let logTerms = 0;
  const { rowStarts, columns, values } = affinities;
  for (let i = 0; i < rows; i++) {
    for (let entry = rowStarts[i]!; entry < rowStarts[i + 1]!; entry++) {
      const j = columns[entry]!;
      logTerms += values[entry]! * Math.log1p((x[i]! - x[j]!) ** 2 + (y[i]! - y[j]!) ** 2);
    }
  }
  // Σ p ln(p / q) = Σ p ln p + Σ p ln(1 + d²) + ln Z, since Σ p = 1.
  return affinities.sumPLogP + logTerms + Math.log(2 * halfZ);
}

/** Recall of the approximate k nearest neighbours against brute force, on 500 sampled rows. */
async function approximateRecall(reduced: Float64Array, rows: number, dims: number): Promise<number> {
  const k = NEIGHBOURS;
  const pool = createKernelPool(workers);
  try {
    const graph = await nearestNeighbours(pool, reduced, rows, dims, k, { method: 'approximate', seed: 0 });
    const random = createRandom(7);
    let hits = 0;
    const samples = 500;
    const distances = new Float64Array(rows);
    for (let sample = 0; sample < samples; sample++) {
      const row = Math.floor(random() * rows);
      for (let other = 0; other < rows; other++) {
        let sum = 0;
        for (let dim = 0; dim < dims; dim++)
          sum += (reduced[row * dims + dim]! - reduced[other * dims + dim]!) ** 2;
        distances[other] = other === row ? Number.POSITIVE_INFINITY : sum;
      }
      const kth = Float64Array.from(distances).sort()[k - 1]!;
      for (let slot = 0; slot < k; slot++) if (distances[graph.indices[row * k + slot]!]! <= kth) hits++;
    }
    return hits / (samples * k);
  } finally {
    await pool.close();
  }
}

/** Unit rows from a providers embedder (e.g. use-lite, 512-d), cached on disk across runs. */
async function modelEmbeddings(texts: string[], spec: string): Promise<Float32Array> {
  const embedder = createEmbedder(spec);
  try {
    const started = performance.now();
    const { embeddings, cached } = await embedMany({
      embedder,
      values: texts,
      cacheDir: flags['cache-dir'],
    });
    console.log(
      `embedded ${texts.length - cached} texts with ${spec} in ${((performance.now() - started) / 1000).toFixed(0)} s (${cached} cached)`,
    );
    const matrix = new Float32Array(texts.length * DIMS);
    embeddings.forEach((vector, row) => {
      if (vector.length !== DIMS) throw new Error(`${spec} gives ${vector.length}-d vectors, not ${DIMS}`);
      let length = 0;
      for (const value of vector) length += value * value;
      const scale = length > 0 ? 1 / Math.sqrt(length) : 0;
      for (let dim = 0; dim < DIMS; dim++) matrix[row * DIMS + dim] = vector[dim]! * scale;
    });
    return matrix;
  } finally {
    await (embedder as { close?: () => Promise<void> }).close?.();
  }
}

// ---------------------------------------------------------------------------------------------
// Main.

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
const largest = Math.max(...sizes);
console.log(`t-SNE benchmark: sizes ${sizes.join(', ')}; ${workers} threads; load average ${load()}`);
const texts = benchmarkTexts(largest);
const embeddings =
  flags.embedder === 'features' ? embedTexts(texts, DIMS) : await modelEmbeddings(texts, flags.embedder);
console.log(
  `${texts.length} texts ${flags.embedder === 'features' ? 'hashed' : `embedded with ${flags.embedder}`} into ${DIMS} dimensions`,
);
const scratch = mkdtempSync(join(tmpdir(), 'tsne-benchmark-'));
const fixed = (value: number | undefined, digits: number) =>
  value === undefined ? '—' : value.toFixed(digits);
const table: string[][] = [];
try {
  for (const rows of sizes) {
    const data = embeddings.subarray(0, rows * DIMS);
    const reduced = await principalComponents(data, { rows, dims: DIMS, components: 50, workers });
    const loadBefore = load();
    const ours = await runOurs(data, rows);
    console.log(
      `n=${rows}: ours ${ours.seconds.toFixed(1)} s wall, ${ours.cpuSeconds.toFixed(1)} s CPU, ` +
        `${ours.threads} threads, KL ${ours.kl.toFixed(4)} (${ours.detail}); load ${load()}`,
    );
    let sklearn: Outcome | undefined;
    if (!flags['skip-sklearn'] && rows <= sklearnMax) {
      const path = join(scratch, `pca50-${rows}.f32`);
      writeFileSync(path, Float32Array.from(reduced.projected));
      sklearn = runSklearn(path, rows);
      console.log(
        `n=${rows}: sklearn ${sklearn.seconds.toFixed(1)} s wall, ${sklearn.cpuSeconds.toFixed(1)} s CPU, ` +
          `${sklearn.threads} threads, KL ${sklearn.kl.toFixed(4)}; load ${load()}`,
      );
    }
    let oursExact: number | undefined;
    let sklearnExact: number | undefined;
    if (rows <= exactKlMax) {
      const affinities = await jointProbabilities(reduced.projected, rows, reduced.components);
      oursExact = exactKl(affinities, ours.embedding, rows);
      if (sklearn) sklearnExact = exactKl(affinities, sklearn.embedding, rows);
      console.log(`n=${rows}: exact KL ours ${fixed(oursExact, 4)}, sklearn ${fixed(sklearnExact, 4)}`);
    }
    let recall: number | undefined;
    if (rows > EXACT_NEIGHBOURS_MAX_ROWS) {
      recall = await approximateRecall(reduced.projected, rows, reduced.components);
      console.log(
        `n=${rows}: approximate kNN recall@${NEIGHBOURS} ${(100 * recall).toFixed(1)}% (500 sampled points)`,
      );
    }
    table.push([
      String(rows),
      String(ours.threads),
      ours.seconds.toFixed(1),
      ours.cpuSeconds.toFixed(1),
      fixed(sklearn?.seconds, 1),
      fixed(sklearn?.cpuSeconds, 1),
      sklearn ? `${(sklearn.seconds / ours.seconds).toFixed(1)}×` : '—',
      sklearn ? `${(sklearn.cpuSeconds / ours.cpuSeconds).toFixed(1)}×` : '—',
      ours.kl.toFixed(4),
      fixed(sklearn?.kl, 4),
      sklearn ? (ours.kl / sklearn.kl).toFixed(3) : '—',
      fixed(oursExact, 4),
      fixed(sklearnExact, 4),
      recall === undefined ? '—' : `${(100 * recall).toFixed(1)}%`,
      `${loadBefore} → ${load()}`,
    ]);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const header = [
  'n',
  'threads',
  'ours s',
  'ours CPU s',
  'sklearn s',
  'sklearn CPU s',
  'speed-up',
  'CPU ratio',
  'ours BH KL',
  'sklearn BH KL',
  'KL ratio',
  'ours exact KL',
  'sklearn exact KL',
  'kNN recall',
  'load average',
];
const widths = header.map((title, column) =>
  Math.max(title.length, ...table.map((row) => row[column]!.length)),
);
const line = (cells: string[]) =>
  `| ${cells.map((cell, column) => cell.padStart(widths[column]!)).join(' | ')} |`;
console.log();
console.log(line(header));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const row of table) console.log(line(row));
