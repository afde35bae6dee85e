import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStore } from '@treesynth/core';
import { compareSampleIds } from '@treesynth/core/internal';
import { simulatorFaultsSchema, startSimulator } from '@treesynth/simulator';
import { defineCommand, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
import { runJob } from '../run-job.js';
import { schemaNumber, schemaOption } from '../schema-options.js';
import { NUMBER_FLAGS, numberFlag } from './job-options.js';
import { formatSummary } from './run.js';

/** The demo's own settings: a small, fast run. */
const DEMO = { depth: 3, concurrency: 32, latencyMs: 5 } as const;
/** The bounds of every wait the simulator holds. */
const LATENCY_MS = simulatorFaultsSchema.shape.hangMs;

export const demoCommand = defineCommand({
  name: 'demo',
  summary:
    'Offline demo: start the simulated LLM in-process and run a gsm8k TreeSynth run of depth 3 against it.',
  usage: 'treesynth demo [--out DIR] [--seed N]',
  options: {
    out: {
      type: 'string',
      value: '<dir>',
      description: 'run folder; an existing demo run there is resumed',
      default: 'runs/demo',
    },
    seed: schemaOption(NUMBER_FLAGS.seed, { description: 'seed of the simulator and the run' }),
    depth: schemaOption(NUMBER_FLAGS.depth, { default: String(DEMO.depth) }),
    concurrency: schemaOption(NUMBER_FLAGS.concurrency, { default: String(DEMO.concurrency) }),
    'latency-ms': schemaOption(LATENCY_MS, {
      value: '<ms>',
      description: 'simulated latency per call',
      default: String(DEMO.latencyMs),
    }),
    json: { type: 'boolean', description: 'print the summary as JSON on stdout' },
    quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr' },
  },
  notes:
    'No network and no key: the LLM is a simulator on 127.0.0.1 that answers from a hidden, seeded world of attributes.\nIts samples are placeholders that show the pipeline, not model-quality data.',
  examples: ['treesynth demo', 'treesynth demo --out runs/demo2 --seed 7 --json'],
  async run(values) {
    const out = stringOption(values, 'out') ?? 'runs/demo';
    const seed = numberFlag(values, 'seed') ?? 0;
    const simulator = await startSimulator({
      seed,
      latencyMs: schemaNumber(values, 'latency-ms', LATENCY_MS) ?? DEMO.latencyMs,
    });
    const interrupt = interruptSignal();
    try {
      if (values.quiet !== true)
        process.stderr.write(
          `simulated LLM listening on ${simulator.url} (seed ${seed}); nothing leaves this machine\n`,
        );
      const { dir, summary } = await runJob({
        task: 'gsm8k',
        model: 'treesynth-sim',
        baseURLs: [simulator.url],
        out,
        resume: RunStore.exists(out),
        overrides: {
          depth: numberFlag(values, 'depth') ?? DEMO.depth,
          seed,
          concurrency: numberFlag(values, 'concurrency') ?? DEMO.concurrency,
        },
        treeOnly: false,
        quiet: values.quiet === true,
        cache: true,
        simulated: true,
        env: {},
        signal: interrupt.signal,
      });
      if (values.json === true) {
        process.stdout.write(`${JSON.stringify({ dir, ...summary }, null, 2)}\n`);
      } else {
        process.stdout.write(formatSummary(dir, summary));
        // The first by id, not by line: the file's order depends on which call finished first.
        const first = readFileSync(join(dir, 'samples.jsonl'), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => ({ line, id: /^\{"id":"([^"]*)"/.exec(line)?.[1] ?? '' }))
          .sort((a, b) => compareSampleIds(a.id, b.id))[0]?.line;
        if (first)
          process.stdout.write(`  first sample: ${first.length > 400 ? `${first.slice(0, 400)}…` : first}\n`);
      }
      return summary.status === 'interrupted' ? EXIT.interrupted : EXIT.ok;
    } finally {
      interrupt.dispose();
      await simulator.close();
    }
  },
});
