import { existsSync } from 'node:fs';
import { ConfigError, type TreeNode } from '@treesynth/core';
import { readJsonFile } from '@treesynth/core/internal';
import { parseTargetCounts, type TargetSpec } from './leaf-targets.js';

/** A balance's `target` option, parsed; a counts file is checked against the tree once the tree is known. */
export type BalanceTarget = { kind: 'uniform' | 'paper'; total?: number } | { kind: 'file'; file: string };

/** `uniform`, `paper`, a whole number (a total spread uniformly), or a .json file of per-leaf counts. */
export function parseBalanceTarget(value: string | number): BalanceTarget {
  if (typeof value === 'number') value = String(value);
  if (value === 'uniform' || value === 'paper') return { kind: value };
  if (/^\d+$/.test(value)) {
    const total = Number(value);
    if (total < 1) throw new ConfigError({ path: 'target', message: 'a total must be at least 1' });
    return { kind: 'uniform', total };
  }
  if (value.endsWith('.json')) {
    if (!existsSync(value)) throw new ConfigError({ path: `target ${value}`, message: 'no such file' });
    return { kind: 'file', file: value };
  }
  throw new ConfigError({
    path: 'target',
    message: `expected uniform, paper, a whole number or a .json file of per-leaf counts, got "${value}"`,
  });
}

/** The planner's target for a parsed `target` option; a counts file is read and checked against the leaves. */
export function targetSpec(target: BalanceTarget, leaves: readonly TreeNode[]): TargetSpec {
  if (target.kind !== 'file') return target;
  return {
    kind: 'counts',
    counts: parseTargetCounts(readJsonFile(target.file, 'target file'), leaves, target.file),
    source: target.file,
  };
}
