import { runDemo, runDemoOptionsSchema } from '@treesynth/experiment';
import { defineCommand, OUTPUT_OPTIONS } from '../command.js';
import { flagValues, schemaFlags } from '../flags.js';
import { executeJob } from './run.js';

const DEMO_OPTIONS = {
  ...schemaFlags(runDemoOptionsSchema.shape, ['out', 'seed', 'depth', 'concurrency', 'latency-ms']),
  ...OUTPUT_OPTIONS,
};

export const command = defineCommand({
  name: 'demo',
  summary:
    'Offline demo: start the simulated LLM in-process, run a gsm8k TreeSynth run of depth 3 against it, then answer, verify, dedup, decontaminate and export it (openai format).',
  usage: 'treesynth demo [--out DIR] [--seed N]',
  options: DEMO_OPTIONS,
  notes:
    'No network and no key: the LLM is a simulator on 127.0.0.1 that answers from a hidden, seeded world of attributes.\nIts samples are placeholders that show the pipeline, not model-quality data.',
  examples: ['treesynth demo', 'treesynth demo --out runs/demo2 --seed 7 --json'],
  run: (values) =>
    executeJob(values, { simulated: true }, (context) =>
      runDemo({ ...flagValues(values, DEMO_OPTIONS), ...context }),
    ),
});
