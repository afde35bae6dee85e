import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineConfigSchema, RunStore, treeConfigSchema } from '@treesynth/core';
import { compareSampleIds } from '@treesynth/core/internal';
import type { CurationConfigInput } from '@treesynth/curate';
import { simulatorFaultsSchema, startSimulator } from '@treesynth/simulator';
import { defineCommand, OUTPUT_OPTIONS, stringOption } from '../command.js';
import { schemaNumber, schemaOption } from '../schema-options.js';
import { JOB_OPTIONS } from './job-options.js';
import { executeJob } from './run.js';

/** The demo's own settings: a small, fast run (its budget set on a new folder only). */
const DEMO = { depth: 3, concurrency: 32, latencyMs: 5, maxSamples: 500 } as const;
/** What the demo does to the rows before exporting them (openai format): the common cleaning, three votes. */
const DEMO_CURATION: CurationConfigInput = {
  dedup: {},
  decontaminate: {},
  answer: {},
  verify: { samples: 3 },
  concurrency: 32,
};
/** The bounds of every wait the simulator holds. */
const LATENCY_MS = simulatorFaultsSchema.shape.hangMs;

export const command = defineCommand({
  name: 'demo',
  summary:
    'Offline demo: start the simulated LLM in-process, run a gsm8k TreeSynth run of depth 3 against it, then answer, verify, dedup, decontaminate and export it (openai format).',
  usage: 'treesynth demo [--out DIR] [--seed N]',
  options: {
    out: {
      type: 'string',
      value: '<dir>',
      description:
        'run folder (the export goes to <dir>/export-openai); an existing demo run there is resumed',
      default: 'runs/demo',
    },
    seed: schemaOption(engineConfigSchema.shape.seed, { description: 'seed of the simulator and the run' }),
    depth: { ...JOB_OPTIONS.depth, default: String(DEMO.depth) },
    concurrency: { ...JOB_OPTIONS.concurrency, default: String(DEMO.concurrency) },
    'latency-ms': schemaOption(LATENCY_MS, {
      value: '<ms>',
      description: 'simulated latency per call',
      default: String(DEMO.latencyMs),
    }),
    ...OUTPUT_OPTIONS,
  },
  notes:
    'No network and no key: the LLM is a simulator on 127.0.0.1 that answers from a hidden, seeded world of attributes.\nIts samples are placeholders that show the pipeline, not model-quality data.',
  examples: ['treesynth demo', 'treesynth demo --out runs/demo2 --seed 7 --json'],
  async run(values) {
    const out = stringOption(values, 'out') ?? 'runs/demo';
    const seed = schemaNumber(values, 'seed', engineConfigSchema.shape.seed) ?? 0;
    const simulator = await startSimulator({
      seed,
      latencyMs: schemaNumber(values, 'latency-ms', LATENCY_MS) ?? DEMO.latencyMs,
    });
    try {
      if (values.quiet !== true)
        process.stderr.write(
          `simulated LLM listening on ${simulator.url} (seed ${seed}); nothing leaves this machine\n`,
        );
      const depth = schemaNumber(values, 'depth', treeConfigSchema.shape.depth) ?? DEMO.depth;
      const concurrency = schemaNumber(values, 'concurrency', engineConfigSchema.shape.concurrency);
      const resume = RunStore.exists(out);
      const code = await executeJob(
        {
          task: 'gsm8k',
          modelId: 'treesynth-sim',
          baseURLs: [simulator.url],
          env: {},
          out,
          resume,
          config: {
            tree: { depth },
            seed,
            concurrency: concurrency ?? DEMO.concurrency,
            // A demo folder made before the demo had a budget keeps none (a resume cannot add one).
            ...(resume ? {} : { maxSamples: DEMO.maxSamples }),
          },
          simulated: true,
          curation: DEMO_CURATION,
          exportFormat: 'openai',
        },
        values,
      );
      // The first by id, not by line: the file's order depends on which call finished first.
      const first = readFileSync(join(out, 'samples.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => ({ line, id: /^\{"id":"([^"]*)"/.exec(line)?.[1] ?? '' }))
        .sort((a, b) => compareSampleIds(a.id, b.id))[0]?.line;
      if (first && values.json !== true)
        process.stdout.write(`  first sample: ${first.length > 400 ? `${first.slice(0, 400)}…` : first}\n`);
      return code;
    } finally {
      await simulator.close();
    }
  },
});
