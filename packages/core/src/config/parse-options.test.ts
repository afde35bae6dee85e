import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from '../errors/index.js';
import { parseOptions, pathUnder } from './parse-options.js';

const schema = z.object({
  faults: z.object({ rate: z.number().max(1) }).optional(),
  seed: z.number().default(7),
});

function problem(run: () => unknown): { path: string; message: string } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return { path: (error as ConfigError).path, message: (error as ConfigError).message };
  }
  throw new Error('expected a ConfigError');
}

describe('parseOptions', () => {
  it('returns the parsed value, defaults applied', () => {
    expect(parseOptions(schema, {})).toEqual({ seed: 7 });
  });

  it('names the first bad field by its dotted path', () => {
    expect(problem(() => parseOptions(schema, { faults: { rate: 2 } })).path).toBe('faults.rate');
  });

  it('maps the path through name, and names the parent when the value itself is wrong', () => {
    expect(problem(() => parseOptions(schema, { seed: 'x' }, pathUnder('config'))).path).toBe('config.seed');
    expect(problem(() => parseOptions(schema, 5, pathUnder('plan.json', ': '))).path).toBe('plan.json');
    expect(problem(() => parseOptions(schema, { seed: 'x' }, pathUnder('plan.json', ': '))).path).toBe(
      'plan.json: seed',
    );
  });
});
