import { BUILTIN_TASKS } from '@treesynth/core';
import type { LatentWorld } from './latent-world.js';
import { codeWorld } from './worlds/code-world.js';
import { genericWorld } from './worlds/generic-world.js';
import { gsm8kWorld } from './worlds/gsm8k-world.js';
import { mathWorld } from './worlds/math-world.js';
import { tomWorld } from './worlds/tom-world.js';

const HAND_WRITTEN: Record<string, (seed: number) => LatentWorld> = {
  gsm8k: gsm8kWorld,
  math: mathWorld,
  code: codeWorld,
  tom: tomWorld,
};

/** Words that mark a task description as one of the built-in tasks, when it is not the exact text. */
const KEYWORDS: readonly [RegExp, string][] = [
  [/\bgsm8k\b/i, 'gsm8k'],
  [/\bMATH benchmark\b/, 'math'],
  [/\bcode alpaca\b/i, 'code'],
  [/\bsimpletom\b|\btheory[- ]of[- ]mind\b/i, 'tom'],
];

/** Which hand-written world a task description gets, or `undefined` for a generic one. */
export function recognizeTask(description: string): string | undefined {
  const text = description.trim();
  for (const [name, task] of Object.entries(BUILTIN_TASKS)) {
    if (task.description.trim() === text && name in HAND_WRITTEN) return name;
  }
  return KEYWORDS.find(([pattern]) => pattern.test(text))?.[1];
}

const cache = new Map<string, LatentWorld>();
const CACHE_LIMIT = 64;

/** The latent world of a task, a pure function of its description and the simulator seed (memoised). */
export function worldForTask(description: string, seed: number): LatentWorld {
  const key = `${seed}\n${description.trim()}`;
  let world = cache.get(key);
  if (!world) {
    const name = recognizeTask(description);
    const build = name === undefined ? undefined : HAND_WRITTEN[name];
    world = build ? build(seed) : genericWorld(description.trim(), seed);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(key, world);
  }
  return world;
}
