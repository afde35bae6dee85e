import type { NodeStep } from '../spec/sample.js';
import { sha256, stableStringify } from '../util/hash.js';

export const ROOT_ID = 'root';

/** A node's id is derived from its path, so the same subspace has the same id in every run. */
export function nodeId(steps: readonly NodeStep[]): string {
  if (steps.length === 0) return ROOT_ID;
  return `n${sha256(stableStringify(steps)).slice(0, 12)}`;
}

/** Lower-case, letters and digits only: for comparing dimension names and values. */
export function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
