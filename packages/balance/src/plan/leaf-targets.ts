import { ConfigError, infiniteDepth, type TreeNode } from '@treesynth/core';

/**
 * How many samples each leaf should hold after balancing.
 * - `uniform`: `total` spread evenly over the leaves (see `uniformTargets` for the remainder).
 * - `paper`: `total` spread in proportion to the paper's per-leaf demand `10·base^k`, k the number of
 *   infinite steps on the leaf's path (base 5 unless given); largest remainders first.
 * - `counts`: given per leaf; leaves the counts do not name keep their current count.
 * Without `total`, uniform and paper spread the number of routed rows.
 */
export type TargetSpec =
  | { kind: 'uniform'; total?: number }
  | { kind: 'paper'; total?: number; base?: number }
  | { kind: 'counts'; counts: ReadonlyMap<string, number>; source?: string };

/** The paper's base for leaves under infinite nodes: a leaf under k of them asks for 10·5^k samples. */
export const PAPER_INFINITE_BASE = 5;
const PAPER_SAMPLES_PER_LEAF = 10;

/**
 * `total` spread evenly over `leaves`: each gets ⌊total / leaves⌋, and the remainder one each. With
 * `current` (rows each leaf holds now), the remainder goes first to leaves holding more than the even
 * share, so balancing keeps a real row rather than drop it and synthesize one elsewhere; within each
 * group it goes to leaves spaced evenly over the list (core's `spreadBudget` stride), so no branch is
 * favoured. Sums to `total`; targets differ by at most one.
 */
export function uniformTargets(leaves: number, total: number, current?: readonly number[]): number[] {
  if (leaves === 0) return [];
  const base = Math.floor(total / leaves);
  const targets = new Array<number>(leaves).fill(base);
  const positions = targets.map((_, index) => index);
  const fuller = current ? positions.filter((index) => current[index]! > base) : [];
  const others = current ? positions.filter((index) => current[index]! <= base) : positions;
  let remainder = total - base * leaves;
  for (const group of [fuller, others]) {
    const take = Math.min(remainder, group.length);
    for (let k = 0; k < take; k++) targets[group[Math.floor((k * group.length) / take)]!]! += 1;
    remainder -= take;
  }
  return targets;
}

/**
 * `total` in proportion to `weights` (largest remainder). Ties go to leaves whose `current` count is
 * above their floor (fewer rows dropped and synthesized), then to the earlier index. Sums to `total`.
 */
export function proportionalTargets(
  weights: readonly number[],
  total: number,
  current?: readonly number[],
): number[] {
  const sum = weights.reduce((accumulator, weight) => accumulator + weight, 0);
  if (weights.length === 0 || sum <= 0) return weights.map(() => 0);
  const exact = weights.map((weight) => (weight / sum) * total);
  const targets = exact.map(Math.floor);
  let remainder = total - targets.reduce((accumulator, target) => accumulator + target, 0);
  const fuller = (index: number) => (current && current[index]! > targets[index]! ? 0 : 1);
  const order = exact
    .map((value, index) => ({ index, fraction: value - Math.floor(value) }))
    .sort((a, b) => b.fraction - a.fraction || fuller(a.index) - fuller(b.index) || a.index - b.index);
  for (const { index } of order) {
    if (remainder <= 0) break;
    targets[index]! += 1;
    remainder--;
  }
  return targets;
}

/** Per-leaf demand under the paper's rule: 10·base^k, k the leaf's infinite depth. */
export function paperWeights(leaves: readonly TreeNode[], base = PAPER_INFINITE_BASE): number[] {
  return leaves.map((leaf) => PAPER_SAMPLES_PER_LEAF * base ** infiniteDepth(leaf.steps));
}

/**
 * A leaf's path as one line: `topic: algebra > level: easy`. An infinite step, which holds a whole
 * value list, reads `dimension: *`. The root (a tree that was never split) reads `(root)`.
 */
export function leafLabel(leaf: TreeNode): string {
  if (leaf.steps.length === 0) return '(root)';
  return leaf.steps.map((step) => `${step.dimension}: ${step.infinite ? '*' : step.value}`).join(' > ');
}

/** Targets in the order of `leaves`; `current` holds each leaf's routed count in the same order. */
export function leafTargets(
  leaves: readonly TreeNode[],
  current: readonly number[],
  spec: TargetSpec,
): number[] {
  const routed = current.reduce((sum, count) => sum + count, 0);
  switch (spec.kind) {
    case 'uniform':
      return uniformTargets(leaves.length, spec.total ?? routed, current);
    case 'paper':
      return proportionalTargets(paperWeights(leaves, spec.base), spec.total ?? routed, current);
    case 'counts':
      return leaves.map((leaf, index) => spec.counts.get(leaf.id) ?? current[index]!);
  }
}

/** The key in a counts file that gives the default for leaves it does not name. */
export const DEFAULT_COUNT_KEY = '*';

/**
 * Validate a per-leaf counts object (parsed JSON) against the tree's leaves. Keys are leaf ids
 * (`n3f2…`) or leaf labels as `leafLabel` writes them; `"*"` sets the count of every leaf not named.
 * Every problem is a one-line ConfigError naming `source` and the key.
 */
export function parseTargetCounts(
  value: unknown,
  leaves: readonly TreeNode[],
  source = 'target file',
): Map<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError({
      path: source,
      message: 'expected a JSON object of per-leaf counts, keyed by leaf id or leaf path',
    });
  const byId = new Map(leaves.map((leaf) => [leaf.id, leaf]));
  const byLabel = new Map<string, TreeNode[]>();
  for (const leaf of leaves) {
    const label = normalizeLabel(leafLabel(leaf));
    byLabel.set(label, [...(byLabel.get(label) ?? []), leaf]);
  }
  const counts = new Map<string, number>();
  const namedBy = new Map<string, string>();
  let fallback: number | undefined;
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 0)
      throw new ConfigError({
        path: `${source}: "${key}"`,
        message: `expected a whole number >= 0, got ${JSON.stringify(raw)}`,
      });
    if (key === DEFAULT_COUNT_KEY) {
      fallback = raw;
      continue;
    }
    const matches = byId.has(key) ? [byId.get(key)!] : (byLabel.get(normalizeLabel(key)) ?? []);
    if (matches.length === 0)
      throw new ConfigError({
        path: `${source}: "${key}"`,
        message: `no leaf of the tree has this id or path (paths look like "${leaves[0] ? leafLabel(leaves[0]) : 'dimension: value'}"; plan.json lists them)`,
      });
    if (matches.length > 1)
      throw new ConfigError({
        path: `${source}: "${key}"`,
        message: `the path names ${matches.length} leaves; use their ids (${matches.map((leaf) => leaf.id).join(', ')})`,
      });
    const leaf = matches[0]!;
    const earlier = namedBy.get(leaf.id);
    if (earlier !== undefined)
      throw new ConfigError({
        path: `${source}: "${key}"`,
        message: `leaf ${leaf.id} is already given by "${earlier}"`,
      });
    namedBy.set(leaf.id, key);
    counts.set(leaf.id, raw);
  }
  if (fallback !== undefined)
    for (const leaf of leaves) if (!counts.has(leaf.id)) counts.set(leaf.id, fallback);
  return counts;
}

/** Labels compare without regard to spacing around `>` and `:`, or to case. */
function normalizeLabel(label: string): string {
  return label
    .split('>')
    .map((step) =>
      step
        .split(':')
        .map((part) => part.trim().toLowerCase())
        .join(':'),
    )
    .join('>');
}
