// The paper's baselines on the same run machinery: temperature sampling, Evol-Instruct and Persona Hub,
// each a run folder like TreeSynth's. Offline: the simulated LLM plays the model, so nothing here says
// which method is better. Run: node --conditions=@treesynth/source --import tsx examples/src/baseline-methods.ts [OUT]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineGenerators } from '@treesynth/baselines';
import { type MethodConfigInput, openRun, wrapChatModel } from '@treesynth/core';
import { cacheMiddleware, createOpenAICompatible } from '@treesynth/providers';
import { startSimulator } from '@treesynth/simulator';

const out = process.argv[2] ?? 'runs';
mkdirSync(out, { recursive: true });
// Seed instructions, one JSON object a line (e.g. GSM8K train); persona seeds may be any texts.
const seeds = join(out, 'seeds.jsonl');
const questions = [
  'Tom has 4 bags of 6 marbles. How many marbles?',
  'A bus seats 40; 3 buses carry how many?',
];
writeFileSync(seeds, questions.map((question) => `${JSON.stringify({ question })}\n`).join(''));

const methods: MethodConfigInput[] = [
  { name: 'temperature', temperature: 1.0 },
  { name: 'evol', seeds, generations: 3 },
  { name: 'persona', seeds, personasPerText: 10 }, // or personas: a Persona Hub JSONL file
];
const simulator = await startSimulator({ seed: 0 });
try {
  const chat = createOpenAICompatible({ baseURL: simulator.url }).chat('treesynth-sim');
  for (const method of methods) {
    const run = await openRun({
      out: join(out, `example-${method.name}`),
      task: 'gsm8k',
      model: chat,
      simulated: true,
      generators: baselineGenerators, // the config's method picks one; TreeSynth needs none
      config: { method, maxSamples: 20, seed: 0 }, // every method at the same data size
    });
    const model = wrapChatModel({
      model: chat,
      middleware: [cacheMiddleware({ dir: run.store.file('cache') })],
    });
    const summary = await run.run({ model });
    console.log(
      `${method.name}: ${summary.status}, ${summary.samples} samples, ${summary.usage.total.calls} calls`,
    );
  }
} finally {
  await simulator.close();
}
