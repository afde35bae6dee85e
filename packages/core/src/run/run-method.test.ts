import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../config/engine-config.js';
import type { RunManifest } from '../store/run-manifest.js';
import { loadTask } from '../tasks/load-task.js';
import { checkResume, fingerprintParts } from './resume-check.js';
import { mergeMethodLayers, pickGenerator } from './run-method.js';

const name = (option: string) => option;
const task = loadTask('gsm8k');

describe('the run method', () => {
  it('merges settings of the same method; another method replaces them', () => {
    const evol = { name: 'evol' as const, seeds: 'a.jsonl', generations: 3 };
    expect(mergeMethodLayers([evol, undefined, { name: 'evol', generations: 5 }], name)).toEqual({
      ...evol,
      generations: 5,
    });
    expect(mergeMethodLayers([evol, { name: 'temperature' }], name)).toEqual({ name: 'temperature' });
    expect(mergeMethodLayers([undefined, undefined], name)).toBeUndefined();
  });

  it('refuses a setting the method does not take, naming the option', () => {
    expect(() => mergeMethodLayers([{ name: 'temperature', seeds: 'a.jsonl' } as never], name)).toThrow(
      /^config\.method\.seeds: not a setting of the temperature method/,
    );
  });

  it('a TreeSynth run keeps the fingerprint it had before methods existed', () => {
    const plain = parseEngineConfig({});
    const named = parseEngineConfig({ method: { name: 'treesynth' } });
    expect(fingerprintParts(task, named, 'm', {})).toEqual(fingerprintParts(task, plain, 'm', {}));
    const evol = parseEngineConfig({ method: { name: 'evol', seeds: 'a.jsonl' } });
    expect(fingerprintParts(task, evol, 'm', {})).toHaveProperty('method.name', 'evol');
  });

  it('a resume that changes the method, either way, is refused', () => {
    const manifestOf = (config: RunManifest['config']) =>
      ({ task, config, model: { modelId: 'm' }, status: 'interrupted' }) as unknown as RunManifest;
    const evol = parseEngineConfig({ method: { name: 'evol', seeds: 'a.jsonl' } });
    const plain = parseEngineConfig({});
    expect(() => checkResume('dir', manifestOf(evol), {}, fingerprintParts(task, plain, 'm', {}))).toThrow(
      /cannot resume: method was .*"evol".* and is unset now/,
    );
    expect(() => checkResume('dir', manifestOf(plain), {}, fingerprintParts(task, evol, 'm', {}))).toThrow(
      /cannot resume: method was unset .* and is .*"evol"/,
    );
    expect(() =>
      checkResume('dir', manifestOf(evol), {}, fingerprintParts(task, evol, 'm', {})),
    ).not.toThrow();
  });

  it('picks the generator of the method, and none for TreeSynth', async () => {
    const generator = { id: 'temperature', generate: async () => ({}) as never };
    const config = parseEngineConfig({ method: { name: 'temperature' }, maxSamples: 5 });
    await expect(
      pickGenerator({ task, config }, { generators: { temperature: generator }, treeOnly: false }, name),
    ).resolves.toBe(generator);
    await expect(
      pickGenerator({ task, config: parseEngineConfig({}) }, { treeOnly: false }, name),
    ).resolves.toBeUndefined();
    await expect(pickGenerator({ task, config }, { treeOnly: false }, name)).rejects.toThrow(
      /no generator for the temperature method/,
    );
    await expect(
      pickGenerator({ task, config }, { generators: { temperature: generator }, treeOnly: true }, name),
    ).rejects.toThrow(/builds no tree/);
  });
});
