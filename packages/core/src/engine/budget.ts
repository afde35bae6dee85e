import type { EngineConfig } from '../config/engine-config.js';
import { infiniteDepth, type TreeNode } from '../tree/partition-tree.js';

/**
 * Spread a sample budget over leaves. Each leaf asks for `demand` samples when unconstrained; when the
 * total exceeds the budget, every leaf gets the same share (water-filling: a leaf that wants less than
 * the share keeps its demand and the rest is shared by the others). The remainder of the integer
 * division goes one by one to the leaves with room left, in an order spread evenly over the list (see
 * `spreadOrder`), so no branch is favoured.
 *
 * Monotone: a larger budget never gives a leaf fewer samples, so a run extended to a larger budget
 * keeps every sample it made and tops each leaf up to as many as a fresh run with that budget gives it.
 */
export function spreadBudget(demands: readonly number[], budget: number): number[] {
  const total = demands.reduce((sum, demand) => sum + demand, 0);
  if (total <= budget) return [...demands];
  const targets = new Array<number>(demands.length).fill(0);
  let remaining = budget;
  let open = demands.map((_, index) => index).filter((index) => demands[index]! > 0);
  // Water-filling: fix the leaves whose demand is below the current share, then share the rest.
  for (;;) {
    const share = Math.floor(remaining / Math.max(open.length, 1));
    const small = open.filter((index) => demands[index]! <= share);
    if (small.length === 0 || share === 0) {
      for (const index of open) targets[index] = share;
      remaining -= share * open.length;
      break;
    }
    for (const index of small) {
      targets[index] = demands[index]!;
      remaining -= demands[index]!;
    }
    open = open.filter((index) => demands[index]! > share);
  }
  // The open leaves all want more than the share; the first `remaining` of them in spread order get one more.
  const order = spreadOrder(open.length);
  for (let k = 0; k < remaining && k < order.length; k++) targets[open[order[k]!]!]! += 1;
  return targets;
}

/**
 * The positions 0..n-1 in van der Corput order (0, n/2, n/4, 3n/4, ...): every prefix of it is spread
 * evenly over the list, and a longer prefix only adds positions, whatever its length.
 */
export function spreadOrder(n: number): number[] {
  const order: number[] = [];
  if (n <= 0) return order;
  const seen = new Set<number>();
  let bits = 0;
  while (1 << bits < n) bits++;
  for (let k = 0; k < 1 << bits; k++) {
    let reversed = 0;
    for (let bit = 0; bit < bits; bit++) if (k & (1 << bit)) reversed |= 1 << (bits - 1 - bit);
    const position = Math.floor((reversed * n) / (1 << bits));
    if (!seen.has(position)) {
      seen.add(position);
      order.push(position);
    }
  }
  return order;
}

/** Calls for a leaf target: full calls of `perCall`, then one for the remainder. */
export function callSizes(target: number, perCall: number): number[] {
  const sizes: number[] = [];
  for (let left = target; left > 0; left -= perCall) sizes.push(Math.min(perCall, left));
  return sizes;
}

/** Samples a leaf asks for without a budget: base^k calls of `samplesPerCall`, k its infinite steps. */
export function naturalDemand(leaf: TreeNode, synthesis: EngineConfig['synthesis']): number {
  return synthesis.infiniteMultiplierBase ** infiniteDepth(leaf.steps) * synthesis.samplesPerCall;
}
