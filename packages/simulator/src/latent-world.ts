import { normalizeName } from '@treesynth/core/internal';

/** One hidden attribute of a task's data, with every value it can take. */
export interface WorldDimension {
  name: string;
  values: readonly string[];
  /** More values than one coverage answer holds: the engine meets it as an open-ended dimension. */
  large: boolean;
}

/** What a world's writer gets for one sample: all its attributes and a seeded random source. */
export interface SampleDraft {
  /** Every attribute of the sample, subspace constraints first, by dimension name as written. */
  attributes: ReadonlyMap<string, string>;
  /** A sample's value on a dimension, looked up by normalised name. */
  get(dimension: string): string | undefined;
  random: () => number;
  /** The sample's tag, e.g. `#3fa9c2d1`. */
  tag: string;
}

/**
 * The hidden world behind a task: its dimensions and a writer that turns a draft into field texts.
 * The simulator answers every stage from it, so pivots, criteria, coverage and leaves agree.
 */
export interface LatentWorld {
  /** Short label shown in sample texts, e.g. `gsm8k`. */
  label: string;
  dimensions: readonly WorldDimension[];
  /** Texts for the fields this world knows (by field name); other fields get a generic text. */
  write(draft: SampleDraft): Record<string, string>;
  /** The sample's main text, for a first field whose name the world does not know. */
  describe(draft: SampleDraft): string;
}

/** The world dimension with this name, compared after normalisation. */
export function findDimension(world: LatentWorld, name: string): WorldDimension | undefined {
  const key = normalizeName(name);
  return world.dimensions.find((dimension) => normalizeName(dimension.name) === key);
}

/** Builds a draft's `get` over its attributes. */
export function createDraft(
  attributes: ReadonlyMap<string, string>,
  random: () => number,
  tag: string,
): SampleDraft {
  const byKey = new Map([...attributes].map(([dimension, value]) => [normalizeName(dimension), value]));
  return { attributes, get: (dimension) => byKey.get(normalizeName(dimension)), random, tag };
}

/** A whole number in [min, max], drawn from a random source. */
export function drawInteger(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
