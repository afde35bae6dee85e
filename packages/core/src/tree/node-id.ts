import type { NodeStep } from '../spec/sample.js';
import { sha256, stableStringify } from '../util/hash.js';

export const ROOT_ID = 'root';

/** A node's id is derived from its path, so the same subspace has the same id in every run. */
export function nodeId(steps: readonly NodeStep[]): string {
  return nodeIdOfPath(pathText(steps));
}

/**
 * A path as the text its id hashes: `stableStringify(steps)` without the brackets. A child's is its
 * parent's, a comma and its own step's, so a tree keeps its nodes' texts instead of writing each
 * path again from the root (`childPathText`).
 */
export function pathText(steps: readonly NodeStep[]): string {
  return steps.map(stepText).join(',');
}

export function childPathText(parent: string, step: NodeStep): string {
  const own = stepText(step);
  return parent.length === 0 ? own : `${parent},${own}`;
}

/** `stableStringify(step)`, written out for the two shapes a step has (keys in sorted order). */
function stepText(step: NodeStep): string {
  if (typeof step.dimension !== 'string') return stableStringify(step);
  const keys = Object.keys(step).length;
  if (step.infinite === true && keys === 3 && Array.isArray(step.values))
    return `{"dimension":${JSON.stringify(step.dimension)},"infinite":true,"values":${JSON.stringify(step.values)}}`;
  if (step.infinite === undefined && keys === 2 && typeof step.value === 'string')
    return `{"dimension":${JSON.stringify(step.dimension)},"value":${JSON.stringify(step.value)}}`;
  return stableStringify(step);
}

/** `nodeId` from the path's text (`pathText`). */
export function nodeIdOfPath(text: string): string {
  if (text.length === 0) return ROOT_ID;
  return `n${sha256(`[${text}]`).slice(0, 12)}`;
}

/** Lower-case, letters and digits only: for comparing dimension names and values. */
export function normalizeName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
