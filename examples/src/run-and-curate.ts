// A run with its curation and a fine-tuning export: what `treesynth run ... --dedup --answer --verify 3` does.
// Offline: the simulated LLM plays the model. Run: node --conditions=@treesynth/source --import tsx examples/src/run-and-curate.ts [OUT]
import { join } from 'node:path';
import { formatCuration } from '@treesynth/curate';
import { runAndCurate } from '@treesynth/experiment';
import { startSimulator } from '@treesynth/simulator';

const out = join(process.argv[2] ?? 'runs', 'example-curated');
const simulator = await startSimulator({ seed: 0 }); // a real endpoint: baseURLs: ['https://...'], key in OPENAI_API_KEY
try {
  const result = await runAndCurate({
    task: 'gsm8k',
    modelId: 'treesynth-sim',
    baseURLs: [simulator.url],
    env: {}, // read no OPENAI_* variables
    simulated: true,
    out, // run it again: the run resumes, curation redoes nothing (calls come from <out>/cache)
    config: { tree: { depth: 2 }, maxSamples: 60, seed: 0 },
    // Near-duplicates out, then an answer per row and three self-consistency votes (docs/curate.md).
    curation: { dedup: {}, answer: {}, verify: { samples: 3 } },
    exportFormat: 'openai', // <out>/export-openai: train.jsonl, a dataset card, provenance
  });
  console.log(`${result.summary.status}: ${result.summary.samples} samples`);
  if (result.curation) console.log(formatCuration(result.curation).trimEnd());
  console.log(`exported ${result.exported?.splits[0]?.rows} rows to ${result.exported?.out}`);
} finally {
  await simulator.close();
}
