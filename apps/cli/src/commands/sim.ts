import {
  formatSimulatorStart,
  formatSimulatorStats,
  type SimulatorOptions,
  simulatorFaultsSchema,
  simulatorOptionsSchema,
  startSimulator,
} from '@treesynth/simulator';
import { defineCommand, type OptionSpec } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { flagValues, schemaFlags } from '../flags.js';

const OPTIONS = simulatorOptionsSchema.shape;
const FAULTS = simulatorFaultsSchema.shape;
/** The CLI's port, a fixed one other commands can be pointed at (the package's default picks a free one). */
const DEFAULT_PORT = 8787;

/** A rate of a fault kind: the `faults` option it sets. */
const rate = (option: keyof typeof FAULTS) => ({ value: '<rate>', option });

const SIM_OPTIONS = {
  ...schemaFlags(OPTIONS, {
    port: { value: '<port>', default: String(DEFAULT_PORT) },
    host: '<addr>',
    seed: {},
    // The bounds of every wait the simulator holds.
    'latency-ms': { number: FAULTS.hangMs },
  }),
  ...schemaFlags(
    FAULTS,
    {
      'fault-429': rate('rate429'),
      'fault-500': rate('rate500'),
      'fault-503': rate('rate503'),
      'fault-hang': rate('rateHang'),
      'fault-truncated': rate('rateTruncated'),
      'fault-malformed': rate('rateMalformed'),
      'fault-schema': rate('rateSchemaViolation'),
      'retry-after': { value: '<s>', default: '1', option: 'retryAfterSeconds' },
      'hang-ms': { default: '600000' },
      'fault-seed': { option: 'seed' },
    },
    'faults',
  ),
  ...schemaFlags(OPTIONS, {
    'answer-accuracy': '<rate>',
    'bench-accuracy': { value: '<rate>', default: '0.5' },
  }),
} satisfies Record<string, OptionSpec>;

export const command = defineCommand({
  name: 'sim',
  summary: 'Serve the simulated OpenAI-compatible LLM on loopback, for tests, demos and benchmarks.',
  usage:
    'treesynth sim [--port P] [--seed S] [--latency-ms L] [--fault-429 R] [--fault-500 R] [--fault-hang R] ...',
  options: SIM_OPTIONS,
  names: { faults: '--fault-*' },
  notes: [
    'Answers TreeSynth stage requests from a hidden, seeded world of attributes; GET /stats counts requests,',
    'successful answers and injected faults by kind. Stop with Ctrl-C.',
    'Faults are drawn per request attempt from their own seeded stream, so a retried request can succeed;',
    'a successful answer is the same bytes with or without faults. The fault rates add up to at most 1.',
  ].join('\n'),
  examples: [
    'treesynth sim --port 8787 --latency-ms 200',
    'treesynth sim --fault-429 0.05 --retry-after 1 --fault-500 0.05 --fault-503 0.05 --fault-hang 0.01 --hang-ms 600000 --fault-malformed 0.02',
    'treesynth run --task gsm8k --model sim --base-url http://127.0.0.1:8787/v1 --depth 2 --timeout-ms 20000',
  ],
  async run(values) {
    const options = flagValues<SimulatorOptions>(values, SIM_OPTIONS);
    const simulator = await startSimulator({ ...options, port: options.port ?? DEFAULT_PORT });
    process.stdout.write(formatSimulatorStart(simulator.url, options.faults));
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await simulator.close();
    process.stderr.write(formatSimulatorStats(simulator.stats()));
    return EXIT.ok;
  },
});
