// Rebalance a skewed dataset over a TreeSynth tree: what `treesynth balance` does, as one call.
// Offline: the simulated LLM plays the model. Run: node --conditions=@treesynth/source --import tsx examples/src/balance-dataset.ts [OUT]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { balanceDataset } from '@treesynth/balance';
import { wrapChatModel } from '@treesynth/core';
import { cacheMiddleware, createEmbedder, createOpenAICompatible } from '@treesynth/providers';
import { startSimulator } from '@treesynth/simulator';

const out = process.argv[2] ?? 'runs/example-balance';
mkdirSync(out, { recursive: true });
// 40 rows about shopping, 4 about everything else: a skewed dataset.
const rows = [
  ...Array.from({ length: 40 }, (_, i) => `Mia buys ${i + 2} pens at $${i + 1} each. How much does she pay?`),
  'A train goes 60 miles an hour for 3 hours. How far does it go?',
  'A garden has 4 rows of 7 tulips. How many tulips are there?',
  'Sam saves $5 a week. How many weeks until he has $45?',
  'A recipe needs 3 eggs per cake. How many eggs for 6 cakes?',
];
const data = join(out, 'questions.jsonl');
writeFileSync(data, rows.map((question) => JSON.stringify({ question })).join('\n'));

const simulator = await startSimulator({ seed: 0 }); // or point createOpenAICompatible at any endpoint
try {
  const result = await balanceDataset({
    data,
    field: 'question',
    task: 'gsm8k', // the tree is built in OUT/balanced/tree; or `tree: 'runs/gsm8k'` to reuse one
    depth: 1,
    target: 'uniform',
    out: join(out, 'balanced'),
    seed: 0,
    embedder: createEmbedder('hashing'),
    // Created only when needed, once per cache folder, so a rerun pays for nothing twice.
    model: {
      id: 'treesynth-sim',
      simulated: true,
      create: ({ cacheDir }) =>
        wrapChatModel({
          model: createOpenAICompatible({ baseURL: simulator.url }).chat('treesynth-sim'),
          middleware: cacheDir ? [cacheMiddleware({ dir: cacheDir })] : [],
        }),
    },
  });
  const entropy = (value: number | null) => value?.toFixed(2) ?? 'n/a';
  console.log(
    `leaf entropy ${entropy(result.before.normalizedEntropy)} -> ${entropy(result.after.normalizedEntropy)}`,
  );
  console.log(`rows out: ${result.totals.out}, synthesized: ${result.totals.synthesized}`);
} finally {
  await simulator.close();
}
