import type { NodeSplit } from './tree-schema.js';

/** A split fixed by the task: one child per value, no model calls. */
export function fixedSplit(dimension: string, values: string[]): NodeSplit {
  return {
    dimension,
    values,
    infinite: false,
    fixed: true,
    pivots: [],
    assignments: [],
    coverageRounds: 0,
    rejections: [],
  };
}
