import type { Embedder } from '@treesynth/core';
import { createRandom } from '@treesynth/core/internal';
import { loadBenchmarkSet } from '@treesynth/eval';
import { hashString } from '@treesynth/eval/internal';
import { normalizedWords } from './normalize-text.js';
import type { FilterRow } from './removal.js';

/** GSM8K train questions shipped with the eval package (distinct controls: real, never benchmark items). */
export async function gsm8kTrainQuestions(count: number): Promise<string[]> {
  return (await loadBenchmarkSet('gsm8k-train')).slice(0, count).map((row) => row.question);
}

/** The rows in a seeded random order. */
export function shuffled<T>(rows: readonly T[], seed: number): T[] {
  const random = createRandom(seed);
  const out = [...rows];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Sample-style ids (`<leaf>.<call>.<position>`) for texts, in order. */
export function rowsOf(texts: readonly string[], leaf = 'leaf'): FilterRow[] {
  return texts.map((text, index) => ({ id: `${leaf}.${index}.0`, text }));
}

/** `text` with the words at `positions` (indexes into its space-separated words) replaced. */
export function replaceWords(text: string, positions: readonly number[]): string {
  const words = text.split(' ');
  for (const [k, position] of positions.entries()) words[position % words.length] = `changed${k}`;
  return words.join(' ');
}

/**
 * A small deterministic embedder for tests (curate never imports the providers): each word and
 * word pair of the normalised text feature-hashed with a sign into `dimensions` buckets.
 */
export function wordHashEmbedder(dimensions: number, maxEmbeddingsPerCall = 64): Embedder {
  const embedOne = (text: string) => {
    const vector = new Float32Array(dimensions);
    const words = normalizedWords(text);
    const features = [...words, ...words.slice(1).map((word, i) => `${words[i]} ${word}`)];
    for (const feature of features) {
      const hash = hashString(feature);
      vector[hash % dimensions]! += hash & 0x80000000 ? -1 : 1;
    }
    return vector;
  };
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: `word-hash-${dimensions}`,
    dimensions,
    maxEmbeddingsPerCall,
    doEmbed: async ({ values }) => ({ embeddings: values.map(embedOne) }),
  };
}
