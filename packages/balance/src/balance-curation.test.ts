import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { wrapChatModel } from '@treesynth/core';
import { curateRows, curationConfigSchema } from '@treesynth/curate';
import { cacheMiddleware, createEmbedder, createOpenAICompatible } from '@treesynth/providers';
import { type Simulator, startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balanceDataset } from './balance-dataset.js';

/** Issue 11: `balance` answers and verifies the rows it synthesizes, so a balanced set is trainable. */
describe('balanceDataset with curateRows on its synthesized rows', () => {
  const work = mkdtempSync(join(tmpdir(), 'treesynth-balance-curate-'));
  let simulator: Simulator;
  let requests = 0;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 1, onRequest: () => requests++ });
    const lines = Array.from({ length: 24 }, (_, index) =>
      JSON.stringify({
        question: `Mia buys ${index + 2} apples at 3 dollars each. How much?`,
        answer: `#### ${3 * (index + 2)}`,
      }),
    );
    writeFileSync(join(work, 'train.jsonl'), `${lines.join('\n')}\n`);
  });
  afterAll(async () => {
    await simulator.close();
  });

  const balance = () =>
    balanceDataset({
      data: join(work, 'train.jsonl'),
      field: 'question',
      task: 'gsm8k',
      depth: 1,
      out: join(work, 'balanced'),
      embedder: createEmbedder('hashing'),
      model: {
        id: 'sim',
        simulated: true,
        create: ({ cacheDir }) =>
          wrapChatModel({
            model: createOpenAICompatible({ baseURL: simulator.url }).chat('sim'),
            middleware: cacheDir ? [cacheMiddleware({ dir: cacheDir })] : [],
          }),
      },
      curateSynthesized: async (input) =>
        (
          await curateRows({
            ...input,
            origin: 'balance',
            curation: curationConfigSchema.parse({ verify: { samples: 3 } }),
          })
        ).rows,
    });

  it('writes synthesized rows with verified answers, and a rerun pays for nothing', async () => {
    await balance();
    const rows = readFileSync(join(work, 'balanced', 'balanced.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { answer?: string; treesynth: { origin: string; id?: string } });
    const synthesized = rows.filter((row) => row.treesynth.origin === 'synthesized');
    expect(synthesized.length).toBeGreaterThan(0);
    for (const row of synthesized) expect(row.answer).toMatch(/\n#### \d+$/);
    // Every synthesized row went through verification: kept ones here, the rest in its log as removed.
    const log = readFileSync(join(work, 'balanced', 'curation', 'verify.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean);
    const removed = log.filter((line) => line.includes('"removed"')).length;
    expect(log.length - 1).toBe(synthesized.length + removed);
    const before = requests;
    await balance();
    expect(requests).toBe(before);
  }, 120_000);
});
