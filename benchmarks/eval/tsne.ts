/**
 * t-SNE benchmark: our TypeScript t-SNE against scikit-learn's Barnes–Hut t-SNE. Prints, asserts
 * nothing.
 *
 * Input: 512-d sentence embeddings built deterministically from GSM8K train questions, then MATH-500
 * problems and MBPP task texts, then sentence-shuffled variants of those (seeded), each text
 * feature-hashed (signed word unigrams and bigrams and character trigrams, L2-normalised rows; no
 * model). For every size both tools get the same PCA-50 matrix: ours computes it from the 512-d
 * rows inside `tsne` (its time is counted), and the identical PCA (`principalComponents`, Float32)
 * is written to a raw file for scikit-learn, whose time is taken around `fit_transform` alone.
 * Both: perplexity 30, 1000 iterations, early exaggeration 12 for 250, PCA initialisation, learning
 * rate 'auto', θ = 0.5, 2 threads (scikit-learn `n_jobs=2`). scikit-learn runs for sizes up to
 * --sklearn-max (default 10,000; about 53 s there on this machine); bigger sizes run ours only,
 * and above 20,000 points also print the recall of our approximate neighbour search against brute
 * force on 500 sampled points.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/eval/tsne.ts
 *          [--sizes 2000,10000,50000] [--sklearn-max 10000] [--workers 2] [--skip-sklearn]
 *
 * Wall and CPU seconds are printed with the load average: on a shared machine the wall time grows
 * with the other load, for both tools alike.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRandom } from '@treesynth/core';
// The benchmarks package does not depend on @treesynth/eval; import its sources directly.
import { tsne } from '../../packages/eval/src/tsne/index.js';
import {
  EXACT_NEIGHBOURS_MAX_ROWS,
  nearestNeighbours,
} from '../../packages/eval/src/tsne/nearest-neighbours.js';
import { principalComponents } from '../../packages/eval/src/tsne/principal-components.js';
import { createKernelPool } from '../../packages/eval/src/tsne/worker-pool.js';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const DIMS = 512;
const { values: flags } = parseArgs({
  options: {
    sizes: { type: 'string', default: '2000,10000,50000' },
    'sklearn-max': { type: 'string', default: '10000' },
    workers: { type: 'string', default: '2' },
    'skip-sklearn': { type: 'boolean', default: false },
  },
});
const sizes = flags.sizes.split(',').map(Number);
const sklearnMax = Number(flags['sklearn-max']);
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
  kl: number;
}

const SKLEARN_SCRIPT = `
import json, sys, time
import numpy as np
from sklearn.manifold import TSNE
path, rows = sys.argv[1], int(sys.argv[2])
data = np.fromfile(path, dtype=np.float32).reshape(rows, -1)
model = TSNE(n_components=2, perplexity=30.0, early_exaggeration=12.0, n_iter=1000, init='pca',
             learning_rate='auto', method='barnes_hut', angle=0.5, n_jobs=2, random_state=0)
wall, cpu = time.perf_counter(), time.process_time()
model.fit_transform(data)
print(json.dumps({'seconds': time.perf_counter() - wall, 'cpuSeconds': time.process_time() - cpu,
                  'kl': float(model.kl_divergence_), 'iterations': int(model.n_iter_)}))
`;

function runSklearn(path: string, rows: number): Outcome {
  const attempt = (env: NodeJS.ProcessEnv) =>
    execFileSync('/usr/bin/python3', ['-c', SKLEARN_SCRIPT, path, String(rows)], {
      encoding: 'utf8',
      env,
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
  return JSON.parse(output.trim().split('\n').at(-1)!) as Outcome;
}

async function runOurs(data: Float32Array, rows: number): Promise<Outcome & { detail: string }> {
  const cpuStarted = process.cpuUsage();
  const started = performance.now();
  const result = await tsne(data, { rows, dims: DIMS, perplexity: 30, iterations: 1000, seed: 0, workers });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const { pcaMs, neighboursMs, affinitiesMs, optimizeMs } = result.timings;
  const detail =
    `pca ${(pcaMs / 1000).toFixed(1)} s, ${result.neighbourMethod} kNN ${(neighboursMs / 1000).toFixed(1)} s, ` +
    `P ${(affinitiesMs / 1000).toFixed(1)} s, gradient descent ${(optimizeMs / 1000).toFixed(1)} s`;
  return { seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, kl: result.kl, detail };
}

/** Recall of the approximate k = 90 neighbours against brute force, on 500 sampled rows. */
async function approximateRecall(reduced: Float64Array, rows: number, dims: number): Promise<number> {
  const k = 90;
  const pool = createKernelPool(workers);
  try {
    const graph = await nearestNeighbours(pool, reduced, rows, dims, k, { method: 'approximate', seed: 0 });
    const random = createRandom(7);
    let hits = 0;
    const samples = 500;
    for (let sample = 0; sample < samples; sample++) {
      const row = Math.floor(random() * rows);
      const distances = new Float64Array(rows);
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

// ---------------------------------------------------------------------------------------------
// Main.

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
const largest = Math.max(...sizes);
console.log(`t-SNE benchmark: sizes ${sizes.join(', ')}; ${workers} threads; load average ${load()}`);
const texts = benchmarkTexts(largest);
const embeddings = embedTexts(texts, DIMS);
console.log(`${texts.length} texts hashed into ${DIMS} dimensions`);
const scratch = mkdtempSync(join(tmpdir(), 'tsne-benchmark-'));
const rowsOut: string[][] = [];
try {
  for (const rows of sizes) {
    const data = embeddings.subarray(0, rows * DIMS);
    const reduced = await principalComponents(data, { rows, dims: DIMS, components: 50, workers });
    const ours = await runOurs(data, rows);
    console.log(
      `n=${rows}: ours ${ours.seconds.toFixed(1)} s wall, ${ours.cpuSeconds.toFixed(1)} s CPU, KL ${ours.kl.toFixed(4)} ` +
        `(${ours.detail}); load ${load()}`,
    );
    let sklearn: Outcome | undefined;
    if (!flags['skip-sklearn'] && rows <= sklearnMax) {
      const path = join(scratch, `pca50-${rows}.f32`);
      writeFileSync(path, Float32Array.from(reduced.projected));
      sklearn = runSklearn(path, rows);
      console.log(
        `n=${rows}: sklearn ${sklearn.seconds.toFixed(1)} s wall, ${sklearn.cpuSeconds.toFixed(1)} s CPU, ` +
          `KL ${sklearn.kl.toFixed(4)}; load ${load()}`,
      );
    }
    if (rows > EXACT_NEIGHBOURS_MAX_ROWS) {
      const recall = await approximateRecall(reduced.projected, rows, reduced.components);
      console.log(`n=${rows}: approximate kNN recall@90 ${(100 * recall).toFixed(1)}% (500 sampled points)`);
    }
    rowsOut.push([
      String(rows),
      ours.seconds.toFixed(1),
      ours.kl.toFixed(4),
      sklearn ? sklearn.seconds.toFixed(1) : '—',
      sklearn ? sklearn.kl.toFixed(4) : '—',
      sklearn ? `${(sklearn.seconds / ours.seconds).toFixed(1)}×` : '—',
      sklearn ? (ours.kl / sklearn.kl).toFixed(3) : '—',
    ]);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const header = ['n', 'ours s', 'ours KL', 'sklearn s', 'sklearn KL', 'speed-up', 'KL ratio'];
const widths = header.map((title, column) =>
  Math.max(title.length, ...rowsOut.map((row) => row[column]!.length)),
);
const line = (cells: string[]) =>
  `| ${cells.map((cell, column) => cell.padStart(widths[column]!)).join(' | ')} |`;
console.log();
console.log(line(header));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const row of rowsOut) console.log(line(row));
