import { ConfigError } from '@treesynth/core';
import { describe, expect, it } from 'vitest';
import { type SimulatorOptions, simulatorOptionsSchema } from './simulator-options.js';
import { startSimulator } from './start-simulator.js';

describe('startSimulator options', () => {
  it('fills the defaults from the schema', () => {
    expect(simulatorOptionsSchema.parse({})).toEqual({
      seed: 0,
      benchAccuracy: 0.5,
      answerAccuracy: 0.7,
      port: 0,
      host: '127.0.0.1',
      latencyMs: 0,
    });
  });

  it('refuses a bad option before listening, naming it (nested fault options by their path)', async () => {
    const cases: [SimulatorOptions, string, RegExp][] = [
      [{ port: 65_536 }, 'port', /65535/],
      [{ port: 1.5 }, 'port', /expected a whole number from 0 to 65535, got 1\.5/],
      [{ seed: -1 }, 'seed', /from 0 to 4294967295/],
      [{ latencyMs: 1.5 }, 'latencyMs', /whole milliseconds from 0 to 86400000/],
      [{ latencyMs: { min: -1, max: 5 } }, 'latencyMs.min', /expected milliseconds >= 0, got -1/],
      [{ host: '10.0.0.1' }, 'host', /only listens on loopback, not on 10\.0\.0\.1/],
      [{ openEndedRate: 2 }, 'openEndedRate', /expected a rate in \[0, 1\], got 2/],
      [{ benchAccuracy: -0.1 }, 'benchAccuracy', /expected a rate in \[0, 1\], got -0\.1/],
      [{ answerAccuracy: 1.1 }, 'answerAccuracy', /expected a rate in \[0, 1\], got 1\.1/],
      [{ faults: { rate429: 1.5 } }, 'faults.rate429', /expected a rate in \[0, 1\], got 1\.5/],
      [{ faults: { hangMs: 86_400_001 } }, 'faults.hangMs', /at most 86400000 ms/],
      [{ faults: { rate500: 0.6, rate503: 0.6 } }, 'faults', /add up to 1\.2/],
    ];
    for (const [options, path, pattern] of cases) {
      const error = await startSimulator(options).then(
        (simulator) => simulator.close(),
        (caught: unknown) => caught,
      );
      expect(ConfigError.isInstance(error), `${JSON.stringify(options)}: ${String(error)}`).toBe(true);
      expect((error as ConfigError).path).toBe(path);
      expect((error as ConfigError).message).toMatch(pattern);
    }
  });
});
