import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash32 } from '@treesynth/core/internal';

/**
 * The simulator's answer rule as docs/simulator.md ("Answers and judgements") states it, written out
 * again here so the tests check the curation against the documented rule, not against the
 * simulator's own code.
 */
export function documentedAnswer(seed: number, question: string, vote: number, accuracy: number) {
  const truth = 2 + (hash32(`${seed}|truth|${question}`) % 998);
  const right = hash32(`${seed}|answer|${question}|${vote}`) / 2 ** 32 < accuracy;
  const value = right ? truth : truth + 1 + (hash32(`${seed}|wrong|${question}|${vote}`) % 3);
  return { truth, right, value };
}

/** Majority of votes 1..n by value: the largest class, a tie to the class seen first; its share of n. */
export function documentedVote(seed: number, question: string, votes: number, accuracy: number) {
  const counts = new Map<number, number>();
  for (let vote = 1; vote <= votes; vote++) {
    const { value } = documentedAnswer(seed, question, vote, accuracy);
    counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  let best: [number, number] = [0, 0];
  for (const entry of counts) if (entry[1] > best[1]) best = entry;
  return { value: best[0], agreement: best[1] / votes };
}

export type Row = Record<string, unknown> & { id: string };

export function readJsonl(file: string): Row[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Row);
}

export function readRows(dir: string, file: 'samples.jsonl' | 'curated.jsonl' | 'removed.jsonl'): Row[] {
  return readJsonl(join(dir, file));
}
