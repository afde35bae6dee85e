import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPERIMENT_CURATION, loadExperimentConfig } from './experiment-config.js';
import { EXPERIMENT_FILE, readExperimentState } from './experiment-state.js';
import { runExperiment } from './run-experiment.js';

const work = mkdtempSync(join(tmpdir(), 'treesynth-experiment-unit-'));
const paper = JSON.parse(
  readFileSync(new URL('../../../benchmarks/paper/gsm8k.json', import.meta.url), 'utf8'),
);

function configFile(name: string, content: unknown): string {
  const file = join(work, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('loadExperimentConfig', () => {
  it('reads a paper config, with the default curation when it names none', () => {
    const loaded = loadExperimentConfig(configFile('paper.json', paper));
    expect(loaded.experiment.methods.map((method) => method.name)).toEqual([
      'treesynth',
      'temperature',
      'evol',
      'persona',
    ]);
    expect(loaded.curation).toEqual(DEFAULT_EXPERIMENT_CURATION);
    expect(loaded.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps the config’s own curation', () => {
    const loaded = loadExperimentConfig(configFile('own.json', { ...paper, curation: { judge: {} } }));
    expect(loaded.curation).toEqual({ judge: {} });
  });

  it('refuses a config without an experiment block, a method listed twice, or a bad curation, naming it', () => {
    const { experiment: _experiment, ...plain } = paper;
    expect(() => loadExperimentConfig(configFile('plain.json', plain))).toThrow(
      /plain\.json: has no `experiment` block/,
    );
    const twice = {
      ...paper,
      experiment: { ...paper.experiment, methods: [{ name: 'temperature' }, { name: 'temperature' }] },
    };
    expect(() => loadExperimentConfig(configFile('twice.json', twice))).toThrow(
      /experiment\.methods: method temperature is listed twice/,
    );
    const bad = { ...paper, curation: { dedup: { threshold: 7 } } };
    expect(() => loadExperimentConfig(configFile('bad.json', bad))).toThrow(
      /bad\.json: curation\.dedup\.threshold/,
    );
    expect(() => loadExperimentConfig(configFile('empty.json', { ...paper, curation: {} }))).toThrow(
      /curation: names no step/,
    );
  });
});

describe('experiment.json', () => {
  it('a broken experiment.json is refused naming the file and the field, and left as it was', async () => {
    const out = join(work, 'broken');
    const config = configFile('for-broken.json', paper);
    await expect(
      runExperiment({ config, modelId: 'm', out, baseURLs: ['http://127.0.0.1:9/v1'] }),
    ).rejects.toThrow();
    const file = join(out, EXPERIMENT_FILE);
    const state = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...state, dataSize: 'many' }));
    expect(() => readExperimentState(out)).toThrow(/experiment\.json: dataSize: /);
    await expect(runExperiment({ config, modelId: 'm', out })).rejects.toThrow(/experiment\.json: dataSize/);
    expect(JSON.parse(readFileSync(file, 'utf8')).dataSize).toBe('many');
  });

  it('a resume after the config changed, or with another size, is refused naming the option', async () => {
    const out = join(work, 'changed');
    const config = configFile('for-changed.json', paper);
    await expect(
      runExperiment({ config, modelId: 'm', out, baseURLs: ['http://127.0.0.1:9/v1'] }),
    ).rejects.toThrow();
    await expect(runExperiment({ config, out, dataSize: 10 })).rejects.toThrow(
      /^dataSize: the experiment in .* was started with 7473, not 10/,
    );
    configFile('for-changed.json', { ...paper, seed: 1 });
    await expect(runExperiment({ config, out })).rejects.toThrow(
      /^config: .*for-changed\.json changed since/,
    );
  });
});
