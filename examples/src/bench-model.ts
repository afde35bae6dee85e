// Evaluate a model on GSM8K and MATH: what `treesynth bench` does, as one call.
// Offline: the simulated LLM plays the model. Run: node --conditions=@treesynth/source --import tsx examples/src/bench-model.ts [OUT]
import { join } from 'node:path';
import { benchOnEndpoint } from '@treesynth/experiment';
import { startSimulator } from '@treesynth/simulator';

const out = join(process.argv[2] ?? 'bench', 'example-sim');
const simulator = await startSimulator({ seed: 0 }); // a real endpoint: leave baseURLs out (OPENAI_BASE_URL, OPENAI_API_KEY)
try {
  const { table, calls, failed } = await benchOnEndpoint({
    modelId: 'sim',
    baseURLs: [simulator.url],
    benchmarks: ['gsm8k', 'math'],
    maxProblems: 20,
    samples: 2,
    k: [1, 2],
    out, // rerun with the same folder to go on where it stopped; answers are cached in <out>/cache
  });
  console.log(table); // the paper's layout, pass@1 and pass@2; figures of a simulator say nothing of a model
  console.log(`${calls} calls, ${failed} problems failed`);
} finally {
  await simulator.close();
}
