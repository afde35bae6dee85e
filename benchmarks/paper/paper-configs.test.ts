import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { experimentConfigSchema, loadTask, parseEngineConfig, parseEngineConfigFile } from '@treesynth/core';
import { readJsonFile } from '@treesynth/core/internal';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const configs = readdirSync(here).filter((name) => name.endsWith('.json'));

/** benchmarks/paper/README.md: one config per experiment of the paper, read by core's config parser. */
describe('the paper experiments configs', () => {
  it('has one config per experiment', () => {
    expect(configs.sort()).toEqual(['code.json', 'gsm8k.json', 'math.json', 'simpletom.json']);
  });

  it.each(configs)('%s parses as an engine config file with the paper settings', (name) => {
    const file = join(here, name);
    const raw = parseEngineConfigFile(readJsonFile(file, 'config file'), file);
    const { experiment, stages: _stages, ...engine } = raw;
    const config = parseEngineConfig(engine, file);
    expect(config.tree).toMatchObject({
      depth: 4,
      pivots: 10,
      coverageCap: 50,
      pivotTemperature: 0.7,
      criterionTemperature: 1.0,
      coverageTemperature: 0.7,
    });
    expect(config.synthesis).toMatchObject({ samplesPerCall: 10, infiniteMultiplierBase: 10 });
    const parsed = experimentConfigSchema.parse(experiment);
    expect(config.maxSamples).toBe(parsed.dataSize);
    expect(parsed.scaling).toEqual([1000, 10000, 100000]);
    expect(parsed.methods.map((method) => method.name)).toEqual([
      'treesynth',
      'temperature',
      'evol',
      'persona',
    ]);
    expect(loadTask(parsed.task).name).toBe(parsed.task);
    // Each method of the list is a valid run config on its own (what `treesynth experiment` will run).
    for (const method of parsed.methods)
      expect(parseEngineConfig({ ...engine, method }, file).method).toEqual(method);
  });

  it('states the paper data sizes', () => {
    const size = (name: string) =>
      experimentConfigSchema.parse(
        (readJsonFile(join(here, name), 'config') as { experiment: unknown }).experiment,
      ).dataSize;
    expect([size('gsm8k.json'), size('math.json'), size('code.json')]).toEqual([7473, 7500, 2700]);
  });

  it('a config with a wrong experiment field is refused naming it', () => {
    expect(() =>
      parseEngineConfigFile(
        { experiment: { name: 'x', task: 'gsm8k', benchmarks: ['gsm8k'], methods: [], dataSize: 5 } },
        'x.json',
      ),
    ).toThrow(/x\.json.*experiment\.methods/);
  });
});
