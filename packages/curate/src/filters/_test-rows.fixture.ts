import { readFileSync } from 'node:fs';
import { createRandom } from '@treesynth/core/internal';
import type { FilterRow } from './removal.js';

/** GSM8K train questions from the shared data folder (distinct controls: real, never benchmark items). */
export function gsm8kTrainQuestions(count: number): string[] {
  const file = new URL('../../../../../shared/data/gsm8k/train.jsonl', import.meta.url);
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, count)
    .map((line) => (JSON.parse(line) as { question: string }).question);
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
