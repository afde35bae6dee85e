import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeCurationConfig } from './curation-config.js';
import { loadStepModules, resolveStepModules } from './step-modules.js';

const folder = mkdtempSync(join(tmpdir(), 'treesynth-step-modules-'));
const write = (name: string, source: string) => {
  writeFileSync(join(folder, name), source);
  return join(folder, name);
};

describe('loadStepModules', () => {
  it('loads a step object whose methods keep their `this`, fingerprinting its source', async () => {
    const source = `class Upper {
      id = 'upper'; kind = 'row'; settings = { field: 'question' };
      async run(row) { return { id: row.id, row: { ...row, [this.settings.field]: String(row[this.settings.field]).toUpperCase() } }; }
    }
    export const step = new Upper();\n`;
    const [step] = await loadStepModules([{ module: write('upper.mjs', source), extra: 1 }]);
    expect(step!.id).toBe('upper');
    expect(step!.settings).toMatchObject({ entry: { extra: 1 }, step: { field: 'question' } });
    const outcome = await (step as Extract<typeof step, { kind: 'row' }>).run(
      { id: '1', question: 'ab' },
      {} as never,
    );
    expect(outcome).toEqual({ id: '1', row: { id: '1', question: 'AB' } });
    write('upper.mjs', `${source}// edited\n`);
    const [edited] = await loadStepModules([{ module: join(folder, 'upper.mjs'), extra: 1 }]);
    expect((edited!.settings as { source: string }).source).not.toBe(
      (step!.settings as { source: string }).source,
    );
  });

  it('calls a factory with the entry’s own settings', async () => {
    const file = write(
      'factory.mjs',
      `export default (settings) => ({ id: 'set-' + settings.n, kind: 'set', run: async (rows) => rows.map((row) => ({ id: row.id, row })) });\n`,
    );
    const [step] = await loadStepModules([{ module: file, n: 3 }]);
    expect(step).toMatchObject({ id: 'set-3', kind: 'set' });
  });

  it('names the module that is missing, invalid, or takes a built-in id', async () => {
    await expect(loadStepModules([{ module: join(folder, 'gone.mjs') }])).rejects.toThrow(
      /^curation\.steps\[0\]\.module: cannot read .*gone\.mjs \(ENOENT\)$/,
    );
    const invalid = write('invalid.mjs', `export default { id: 'x', kind: 'row' };\n`);
    await expect(loadStepModules([{ module: invalid }])).rejects.toThrow(/invalid\.mjs must export/);
    const taken = write('taken.mjs', `export default { id: 'dedup', kind: 'set', run: async () => [] };\n`);
    await expect(loadStepModules([{ module: taken }])).rejects.toThrow(/step id "dedup" is taken/);
  });
});

describe('curation settings', () => {
  it('resolves module paths against the config file, and merges nested settings key by key', () => {
    const resolved = resolveStepModules(
      { steps: [{ module: './a.mjs' }, { module: '/abs/b.mjs' }] },
      '/cfg/run.json',
    );
    expect(resolved.steps).toEqual([{ module: '/cfg/a.mjs' }, { module: '/abs/b.mjs' }]);
    const merged = mergeCurationConfig(
      {
        dedup: { threshold: 0.7, embedding: { embedder: 'minilm', threshold: 0.9 } },
        steps: [{ module: '/x.mjs' }],
      },
      { dedup: { embedding: { threshold: 0.95 } }, steps: [{ module: '/y.mjs' }] },
    );
    expect(merged).toEqual({
      dedup: { threshold: 0.7, embedding: { embedder: 'minilm', threshold: 0.95 } },
      steps: [{ module: '/y.mjs' }],
    });
  });
});
