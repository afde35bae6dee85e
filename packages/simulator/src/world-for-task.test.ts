import { BUILTIN_TASKS } from '@treesynth/core';
import { isVagueValue, MATH_SUBJECTS, normalizeName } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';
import type { LatentWorld } from './latent-world.js';
import { recognizeTask, worldForTask } from './world-for-task.js';

const GENERIC_DESCRIPTIONS = [
  'Customer-support emails about delayed parcels, with the reply an agent should send.',
  'Short poems about the sea.',
  'Questions a museum visitor might ask a guide.',
];

function describeOf(name: string): string {
  return BUILTIN_TASKS[name]!.description;
}

function expectWellFormed(world: LatentWorld) {
  const normal = world.dimensions.filter((dimension) => !dimension.large);
  const large = world.dimensions.filter((dimension) => dimension.large);
  expect(normal.length).toBeGreaterThanOrEqual(6);
  expect(normal.length).toBeLessThanOrEqual(8);
  expect(large.length).toBeGreaterThanOrEqual(1);
  expect(large.length).toBeLessThanOrEqual(2);
  for (const dimension of normal) {
    expect(dimension.values.length, dimension.name).toBeGreaterThanOrEqual(3);
    expect(dimension.values.length, dimension.name).toBeLessThanOrEqual(8);
  }
  for (const dimension of large) {
    expect(dimension.values.length, dimension.name).toBeGreaterThanOrEqual(60);
    expect(dimension.values.length, dimension.name).toBeLessThanOrEqual(120);
  }
  const names = world.dimensions.map((dimension) => normalizeName(dimension.name));
  expect(new Set(names).size).toBe(names.length);
  for (const dimension of world.dimensions) {
    expect(dimension.name).not.toMatch(/[:;()]/);
    const keys = dimension.values.map((value) => normalizeName(value));
    expect(new Set(keys).size, `${dimension.name} has values equal after normalisation`).toBe(keys.length);
    for (const value of dimension.values) {
      expect(value, dimension.name).not.toMatch(/[;()]/);
      expect(value.trim()).toBe(value);
      expect(isVagueValue(value), `${dimension.name}: ${value}`).toBe(false);
    }
  }
}

describe('worldForTask', () => {
  it.each(['gsm8k', 'math', 'code', 'tom'])('recognises the built-in %s task by its description', (name) => {
    expect(recognizeTask(describeOf(name))).toBe(name);
    expect(worldForTask(describeOf(name), 0).label).toBe(name);
  });

  it('gives other descriptions a generic world', () => {
    for (const description of GENERIC_DESCRIPTIONS) {
      expect(recognizeTask(description)).toBeUndefined();
      expect(worldForTask(description, 0).label).toBe('generic');
    }
  });

  it.each([0, 1, 7, 12345])('builds well-formed worlds for seed %i', (seed) => {
    for (const name of ['gsm8k', 'math', 'code', 'tom'])
      expectWellFormed(worldForTask(describeOf(name), seed));
    for (const description of GENERIC_DESCRIPTIONS) expectWellFormed(worldForTask(description, seed));
  });

  it('gives MATH the seven subjects as a dimension', () => {
    const subject = worldForTask(describeOf('math'), 3).dimensions.find(
      (dimension) => dimension.name === 'subject',
    );
    expect(subject?.values).toEqual([...MATH_SUBJECTS]);
    expect(subject?.large).toBe(false);
  });

  it('is a pure function of description and seed', () => {
    const description = GENERIC_DESCRIPTIONS[0]!;
    const plain = (world: LatentWorld) => JSON.stringify(world.dimensions);
    expect(plain(worldForTask(description, 4))).toBe(plain(worldForTask(`  ${description}\n`, 4)));
    expect(plain(worldForTask(description, 4))).not.toBe(plain(worldForTask(description, 5)));
    expect(plain(worldForTask(describeOf('tom'), 4))).not.toBe(plain(worldForTask(describeOf('tom'), 5)));
  });
});
