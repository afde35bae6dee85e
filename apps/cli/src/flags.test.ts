import { ConfigError, RunStoreError } from '@treesynth/core';
import { simulatorFaultsSchema } from '@treesynth/simulator';
import { describe, expect, it } from 'vitest';
import type { OptionSpec } from './command.js';
import { flagNamer, flagValues, schemaOption, withFlags } from './flags.js';

const FAULTS = simulatorFaultsSchema.shape;
const OPTIONS = {
  'max-samples': schemaOption(FAULTS.seed, { option: 'config.maxSamples' }),
  'fault-429': schemaOption(FAULTS.rate429, { option: 'faults.rate429' }),
  requirement: { type: 'string', multiple: true, description: '', option: 'requirements' },
  'cache-dir': { type: 'string', description: '' },
  'dry-run': { type: 'boolean', description: '' },
  json: { type: 'boolean', description: '', option: false },
} satisfies Record<string, OptionSpec>;
const COMMAND = { options: OPTIONS, names: { datasets: '<files>' } };

const renamed = (path: string) => {
  const error = withFlags(new ConfigError({ path, message: 'bad' }), COMMAND);
  return (error as ConfigError).message;
};

describe('withFlags', () => {
  it('names the flag that fills the option, nested and indexed paths included', () => {
    expect(renamed('config.maxSamples')).toBe('--max-samples: bad');
    expect(renamed('faults.rate429')).toBe('--fault-429: bad');
    expect(renamed('requirements[1]')).toBe('--requirement[1]: bad');
    expect(renamed('cacheDir')).toBe('--cache-dir: bad');
    expect(renamed('datasets')).toBe('<files>: bad');
  });

  it('leaves other errors, and options no flag fills, as they are', () => {
    expect(renamed('unknownOption')).toBe('unknownOption: bad');
    const store = new RunStoreError({ file: 'runs/x', message: 'locked' });
    expect(withFlags(store, COMMAND)).toBe(store);
  });

  it('a namer gives the flag of an option for messages', () => {
    const name = flagNamer(COMMAND);
    expect([name('config.maxSamples'), name('dryRun'), name('other')]).toEqual([
      '--max-samples',
      '--dry-run',
      'other',
    ]);
  });
});

describe('flagValues', () => {
  it('puts each given flag under its option, numbers checked, flags not given left out', () => {
    const values = { 'max-samples': '20', 'fault-429': '0.5', requirement: ['a', 'b'], json: true };
    expect(flagValues(values, OPTIONS)).toEqual({
      config: { maxSamples: 20 },
      faults: { rate429: 0.5 },
      requirements: ['a', 'b'],
    });
    expect(flagValues({ 'dry-run': true, 'cache-dir': 'x' }, OPTIONS)).toEqual({
      dryRun: true,
      cacheDir: 'x',
    });
    expect(() => flagValues({ 'max-samples': '1.5' }, OPTIONS)).toThrow(
      /^--max-samples: expected a whole number/,
    );
  });

  it('a turnsOn flag sets its settings object, which the flags of its fields fill, in either order', () => {
    const STEPS = {
      dedup: { type: 'boolean', option: 'curation.dedup', turnsOn: true, description: '' },
      'dedup-threshold': { type: 'string', option: 'curation.dedup.threshold', description: '' },
      'min-agreement': { type: 'string', option: 'curation.verify.minAgreement', description: '' },
    } satisfies Record<string, OptionSpec>;
    expect(flagValues({ dedup: true }, STEPS)).toEqual({ curation: { dedup: {} } });
    expect(flagValues({ dedup: true, 'dedup-threshold': '0.7' }, STEPS)).toEqual({
      curation: { dedup: { threshold: '0.7' } },
    });
    const reversed = { 'dedup-threshold': STEPS['dedup-threshold'], dedup: STEPS.dedup };
    expect(flagValues({ dedup: true, 'dedup-threshold': '0.7' }, reversed)).toEqual({
      curation: { dedup: { threshold: '0.7' } },
    });
    expect(flagValues({ dedup: false, 'min-agreement': '0.6' }, STEPS)).toEqual({
      curation: { verify: { minAgreement: '0.6' } },
    });
  });

  it('a comma list splits, trims and joins repeated flags; with numbers, whole numbers become numbers', () => {
    const LISTS = {
      benchmarks: { type: 'string', multiple: true, commas: true, description: '' },
      k: { type: 'string', multiple: true, commas: 'numbers', description: '' },
    } satisfies Record<string, OptionSpec>;
    expect(flagValues({ benchmarks: ['gsm8k, math,', 'mbpp'], k: ['1,10', '5'] }, LISTS)).toEqual({
      benchmarks: ['gsm8k', 'math', 'mbpp'],
      k: [1, 10, 5],
    });
    // Not a whole number: left as given, for the package's schema to name.
    expect(flagValues({ k: ['1,x,2.5'] }, LISTS)).toEqual({ k: [1, 'x', '2.5'] });
    expect(flagValues({ benchmarks: ['12'] }, LISTS)).toEqual({ benchmarks: ['12'] });
  });
});
