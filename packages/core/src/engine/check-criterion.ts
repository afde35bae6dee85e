import type { CriterionOutput } from '../spec/stage.js';
import { normalizeName } from '../tree/node-id.js';

/** Catch-all values that make subspaces overlap or stay undefined; never accepted as a value. */
const VAGUE_VALUES = new Set([
  'other',
  'others',
  'misc',
  'miscellaneous',
  'various',
  'etc',
  'mixed',
  'general',
  'unknown',
  'none of the above',
  'anything else',
  'n a',
]);

export function isVagueValue(value: string): boolean {
  return VAGUE_VALUES.has(normalizeName(value));
}

/**
 * The acceptance rules for a proposed split (README.md, "How it works"): every pivot assigned, none twice, indices
 * in range, the dimension new on the path, values distinct and not catch-alls. Returns the problems
 * found; an empty list means accepted.
 */
export function checkCriterion(
  output: CriterionOutput,
  pivotCount: number,
  usedDimensions: readonly string[],
): string[] {
  const problems: string[] = [];
  const dimension = normalizeName(output.dimension);
  if (dimension.length === 0) problems.push('the dimension is empty');
  if (usedDimensions.some((used) => normalizeName(used) === dimension)) {
    problems.push(`dimension "${output.dimension}" is already used on this path`);
  }
  const seenValues = new Set<string>();
  const assignedTo = new Map<number, string>();
  for (const assignment of output.assignments) {
    const value = normalizeName(assignment.value);
    if (value.length === 0) problems.push('a value is empty');
    else if (isVagueValue(assignment.value)) problems.push(`value "${assignment.value}" is a catch-all`);
    if (seenValues.has(value)) problems.push(`value "${assignment.value}" is listed twice`);
    seenValues.add(value);
    for (const pivot of assignment.pivots) {
      if (!Number.isInteger(pivot) || pivot < 0 || pivot >= pivotCount) {
        problems.push(`pivot ${pivot + 1} does not exist (there are ${pivotCount})`);
        continue;
      }
      const earlier = assignedTo.get(pivot);
      if (earlier !== undefined)
        problems.push(`pivot ${pivot + 1} is assigned to both "${earlier}" and "${assignment.value}"`);
      else assignedTo.set(pivot, assignment.value);
    }
  }
  const missing: number[] = [];
  for (let pivot = 0; pivot < pivotCount; pivot++) if (!assignedTo.has(pivot)) missing.push(pivot + 1);
  if (missing.length > 0) problems.push(`pivot(s) ${missing.join(', ')} not assigned`);
  return problems;
}

/**
 * Merge a value list with new values: trimmed, catch-alls dropped, and a value equal to a known one
 * after normalisation dropped (so child ids never collide).
 */
export function mergeValues(known: readonly string[], added: readonly string[]): string[] {
  const merged = [...known];
  const seen = new Set(known.map(normalizeName));
  for (const raw of added) {
    const value = raw.trim();
    const key = normalizeName(value);
    if (key.length === 0 || isVagueValue(value) || seen.has(key)) continue;
    seen.add(key);
    merged.push(value);
  }
  return merged;
}
