import { hash32 } from '@treesynth/core/internal';

/** A split's name and its share of the rows. */
export interface SplitRatio {
  name: string;
  ratio: number;
}

const SPLIT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/**
 * `train=0.95,validation=0.05` (or `{ train: 0.95, validation: 0.05 }`) as splits in the order given,
 * or a message saying what is wrong: names are letters, digits, `_` and `-`, each once; shares are
 * positive and add up to 1.
 */
export function parseSplitSpec(spec: string | Record<string, number>): SplitRatio[] | string {
  const entries: Array<[string, string | number]> =
    typeof spec === 'string'
      ? spec
          .split(',')
          .map((part) => part.trim())
          .filter((part) => part.length > 0)
          .map((part) => {
            const at = part.indexOf('=');
            return at < 0 ? [part, ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
          })
      : Object.entries(spec);
  if (entries.length === 0) return 'expected name=share pairs, e.g. train=0.95,validation=0.05';
  const splits: SplitRatio[] = [];
  for (const [name, share] of entries) {
    if (!SPLIT_NAME.test(name)) return `"${name}" is not a split name (letters, digits, _ and - only)`;
    const ratio = typeof share === 'number' ? share : share === '' ? Number.NaN : Number(share);
    if (!Number.isFinite(ratio) || ratio <= 0 || ratio > 1)
      return `the share of "${name}" must be a number above 0 and at most 1, got "${String(share)}"`;
    if (splits.some((split) => split.name === name)) return `split "${name}" is named twice`;
    splits.push({ name, ratio });
  }
  const total = splits.reduce((sum, split) => sum + split.ratio, 0);
  if (Math.abs(total - 1) > 1e-9) return `the shares add up to ${total}, not 1`;
  return splits;
}

/**
 * The split of a row: its id hashed with the seed to a number in [0, 1), placed on the splits'
 * cumulative shares in the order given. It depends on nothing but (seed, id, splits), so adding rows
 * never moves an existing row, and the shares hold in expectation (not exactly, for a small set).
 */
export function splitOf(id: string, splits: readonly SplitRatio[], seed: number): string {
  const position = hash32(`${seed}\u0000${id}`) / 2 ** 32;
  let upTo = 0;
  for (const split of splits) {
    upTo += split.ratio;
    if (position < upTo) return split.name;
  }
  // Rounding of the shares' sum: the last split takes what is left.
  return splits[splits.length - 1]!.name;
}
