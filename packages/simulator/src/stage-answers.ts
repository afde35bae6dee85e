import type { PathStep, SampleFields } from '@treesynth/core';
import { normalizeName, pick } from '@treesynth/core/internal';
import { createDraft, findDimension, type LatentWorld, type WorldDimension } from './latent-world.js';
import { drawTag, formatMarkers, parseMarkers } from './sample-markers.js';

/** New values one coverage answer gives for a large dimension. */
export const COVERAGE_BATCH = 20;

/**
 * `count` distinct samples of a subspace: every constraint of the path kept as given, every other
 * dimension of the world drawn at random. The first field carries all attributes as markers.
 */
export function writeSamples(
  world: LatentWorld,
  path: readonly PathStep[],
  fields: readonly string[],
  count: number,
  random: () => number,
): SampleFields[] {
  const constrained = new Set(path.map((step) => normalizeName(step.dimension)));
  const samples: SampleFields[] = [];
  const seen = new Set<string>();
  for (let attempt = 0; samples.length < count && attempt < count * 10; attempt++) {
    const attributes = new Map<string, string>();
    for (const step of path) attributes.set(step.dimension, step.value);
    for (const dimension of world.dimensions) {
      if (!constrained.has(normalizeName(dimension.name)))
        attributes.set(dimension.name, pick(dimension.values, random));
    }
    const tag = drawTag(random);
    const draft = createDraft(attributes, random, tag);
    const known = world.write(draft);
    const sample: SampleFields = {};
    fields.forEach((field, index) => {
      sample[field] =
        index === 0
          ? `[simulated ${world.label}] ${known[field] ?? world.describe(draft)} ${formatMarkers(attributes, tag)}`
          : (known[field] ?? `Simulated ${field.replace(/_/g, ' ')} for sample ${tag}.`);
    });
    const key = fields.map((field) => sample[field]).join('\n');
    if (seen.has(key)) continue;
    seen.add(key);
    samples.push(sample);
  }
  return samples;
}

export interface CriterionAnswer {
  dimension: string;
  assignments: { value: string; pivots: number[] }[];
}

/**
 * A split of the pivots: a world dimension not yet used on the path (a large one with probability
 * `openEndedRate`), each pivot (numbered from 1) assigned to the value its markers show. With no
 * dimension left, a used one is named anyway, and the engine rejects it.
 */
export function chooseCriterion(
  world: LatentWorld,
  input: { path: readonly PathStep[]; usedDimensions: readonly string[]; pivotTexts: readonly string[] },
  openEndedRate: number,
  random: () => number,
): CriterionAnswer {
  const taken = new Set(
    [...input.usedDimensions, ...input.path.map((step) => step.dimension)].map((name) => normalizeName(name)),
  );
  const unused = world.dimensions.filter((dimension) => !taken.has(normalizeName(dimension.name)));
  const normal = unused.filter((dimension) => !dimension.large);
  const large = unused.filter((dimension) => dimension.large);
  const wantLarge = large.length > 0 && (normal.length === 0 || random() < openEndedRate);
  const candidates = wantLarge ? large : normal;
  const dimension: WorldDimension =
    candidates.length > 0
      ? pick(candidates, random)
      : (world.dimensions.find((item) => taken.has(normalizeName(item.name))) ?? {
          name: input.usedDimensions[0] ?? 'aspect',
          values: ['first kind', 'second kind'],
          large: false,
        });

  const key = normalizeName(dimension.name);
  const byValue = new Map<string, { value: string; pivots: number[] }>();
  input.pivotTexts.forEach((text, index) => {
    const value = parseMarkers(text)?.get(key) ?? pick(dimension.values, random);
    const valueKey = normalizeName(value);
    const assignment = byValue.get(valueKey) ?? { value, pivots: [] };
    assignment.pivots.push(index + 1);
    byValue.set(valueKey, assignment);
  });
  const assignments = [...byValue.values()];
  if (assignments.length === 0) assignments.push({ value: dimension.values[0] ?? 'first kind', pivots: [] });
  return { dimension: dimension.name, assignments };
}

export interface CoverageAnswer {
  status: 'complete' | 'open-ended' | 'no-new-values';
  new_values: string[];
}

/**
 * The world's values of a dimension that the known list lacks: all at once for a finite dimension,
 * `COVERAGE_BATCH` at a time (open-ended while more remain) for a large one.
 */
export function completeValues(
  world: LatentWorld,
  dimensionName: string,
  known: readonly string[],
): CoverageAnswer {
  const dimension = findDimension(world, dimensionName);
  if (!dimension) return { status: 'no-new-values', new_values: [] };
  const knownKeys = new Set(known.map((value) => normalizeName(value)));
  const missing = dimension.values.filter((value) => !knownKeys.has(normalizeName(value)));
  if (missing.length === 0) return { status: 'no-new-values', new_values: [] };
  if (dimension.large && missing.length > COVERAGE_BATCH) {
    return { status: 'open-ended', new_values: missing.slice(0, COVERAGE_BATCH) };
  }
  return { status: 'complete', new_values: missing };
}
