/**
 * Spread a sample budget over leaves. Each leaf asks for `demand` samples when unconstrained; when the
 * total exceeds the budget, every leaf gets the same share (water-filling: a leaf that wants less than
 * the share keeps its demand and the rest is shared by the others). The remainder of the integer
 * division goes to leaves spread evenly over the list (a stride), so no branch is favoured.
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
  // Hand out the remainder one by one at evenly spaced positions among the leaves with room left.
  const room = open.filter((index) => targets[index]! < demands[index]!);
  if (remaining > 0 && room.length > 0) {
    const step = room.length / remaining;
    for (let k = 0; k < remaining && k < room.length; k++) {
      const index = room[Math.floor(k * step)]!;
      targets[index]! += 1;
    }
  }
  return targets;
}

/** Calls for a leaf target: full calls of `perCall`, then one for the remainder. */
export function callSizes(target: number, perCall: number): number[] {
  const sizes: number[] = [];
  for (let left = target; left > 0; left -= perCall) sizes.push(Math.min(perCall, left));
  return sizes;
}
