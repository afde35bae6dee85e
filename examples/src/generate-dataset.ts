// Synthesize a dataset with TreeSynth, then grow it: what `treesynth run` and `run --resume` do.
// Offline: the simulated LLM plays the model. Run: node --conditions=@treesynth/source --import tsx examples/src/generate-dataset.ts [OUT]
import { join } from 'node:path';
import { openRun, wrapChatModel } from '@treesynth/core';
import { cacheMiddleware, createOpenAICompatible, retryMiddleware } from '@treesynth/providers';
import { startSimulator } from '@treesynth/simulator';

const out = join(process.argv[2] ?? 'runs', 'example-gsm8k');
const simulator = await startSimulator({ seed: 0 }); // a real endpoint: createOpenAICompatible({ baseURL, apiKey })
try {
  const chat = createOpenAICompatible({ baseURL: simulator.url }).chat('treesynth-sim');
  // Answers are cached in the run folder, so a resumed or extended run pays for nothing twice.
  const withCache = (dir: string) =>
    wrapChatModel({ model: chat, middleware: [cacheMiddleware({ dir }), retryMiddleware({})] });

  const run = await openRun({
    out, // a new or empty folder; a bad option is refused before anything is written
    task: 'gsm8k', // a built-in name, a task JSON file, or a task object
    model: chat,
    baseURL: simulator.url,
    simulated: true,
    config: { tree: { depth: 2 }, maxSamples: 100, seed: 0 },
  });
  const first = await run.run({ model: withCache(run.store.file('cache')) });
  console.log(`${first.status}: ${first.samples} samples in ${first.leaves} leaves`);

  // Later: continue a stopped run, or grow it. A change that would alter existing samples is refused.
  const more = await openRun({ out, resume: true, model: chat, config: { maxSamples: 150 } });
  const second = await more.run({ model: withCache(more.store.file('cache')) });
  console.log(`${second.status}: ${second.samples} samples in ${second.leaves} leaves`);
} finally {
  await simulator.close();
}
