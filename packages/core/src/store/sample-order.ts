/**
 * Order of two sample ids (`<leaf>.<call>.<position>`): by leaf, then call index and position as
 * numbers. `samples.jsonl` is append-only and its line order depends on which call finished first;
 * every output derived from it sorts with this, so identical runs give identical outputs.
 */
export function compareSampleIds(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let index = 0; index < Math.min(left.length, right.length); index++) {
    const x = left[index]!;
    const y = right[index]!;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}
