import {
  type SimulatorFaults,
  simulatorFaultsSchema,
  simulatorOptionsSchema,
  startSimulator,
} from '@treesynth/simulator';
import { defineCommand, integerOption, numberOption, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { withFlags } from '../option-flags.js';

/** Fault rate flags and the `faults` option each sets. */
const FAULT_FLAGS = {
  'fault-429': 'rate429',
  'fault-500': 'rate500',
  'fault-503': 'rate503',
  'fault-hang': 'rateHang',
  'fault-truncated': 'rateTruncated',
  'fault-malformed': 'rateMalformed',
  'fault-schema': 'rateSchemaViolation',
} as const;

/** startSimulator's nested options (as its errors name them) and the flags that set them. */
const FAULT_OPTION_FLAGS: Record<string, string> = {
  faults: '--fault-*',
  'faults.retryAfterSeconds': '--retry-after',
  'faults.hangMs': '--hang-ms',
  'faults.seed': '--fault-seed',
  ...Object.fromEntries(
    Object.entries(FAULT_FLAGS).map(([flag, option]) => [`faults.${option}`, `--${flag}`]),
  ),
};

export const simCommand = defineCommand({
  name: 'sim',
  summary: 'Serve the simulated OpenAI-compatible LLM on loopback, for tests, demos and benchmarks.',
  usage:
    'treesynth sim [--port P] [--seed S] [--latency-ms L] [--fault-429 R] [--fault-500 R] [--fault-hang R] ...',
  options: {
    port: {
      type: 'string',
      value: '<port>',
      description: 'port on 127.0.0.1 (0 picks a free one)',
      default: '8787',
    },
    host: { type: 'string', value: '<addr>', description: 'loopback address to bind', default: '127.0.0.1' },
    seed: { type: 'string', value: '<n>', description: 'seed of the latent world', default: '0' },
    'latency-ms': { type: 'string', value: '<ms>', description: 'delay before each answer', default: '0' },
    'fault-429': {
      type: 'string',
      value: '<rate>',
      description: 'chance per request of a 429 with Retry-After',
      default: '0',
    },
    'retry-after': {
      type: 'string',
      value: '<s>',
      description: 'seconds in the Retry-After header of a 429',
      default: '1',
    },
    'fault-500': {
      type: 'string',
      value: '<rate>',
      description: 'chance per request of a 500',
      default: '0',
    },
    'fault-503': {
      type: 'string',
      value: '<rate>',
      description: 'chance per request of a 503',
      default: '0',
    },
    'fault-hang': {
      type: 'string',
      value: '<rate>',
      description: 'chance per request of holding it open for --hang-ms, then a 504',
      default: '0',
    },
    'hang-ms': {
      type: 'string',
      value: '<ms>',
      description: 'how long a hung request is held',
      default: '600000',
    },
    'fault-truncated': {
      type: 'string',
      value: '<rate>',
      description: 'chance per request of a 200 whose JSON is cut in the middle',
      default: '0',
    },
    'fault-malformed': {
      type: 'string',
      value: '<rate>',
      description: 'chance per request of a 200 with broken JSON (single quotes, unbalanced braces)',
      default: '0',
    },
    'fault-schema': {
      type: 'string',
      value: '<rate>',
      description: 'chance per request of a 200 with valid JSON that breaks the schema',
      default: '0',
    },
    'fault-seed': {
      type: 'string',
      value: '<n>',
      description: 'seed of the fault stream (default: --seed)',
    },
  },
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
    const faults: SimulatorFaults = {
      retryAfterSeconds: numberOption(values, 'retry-after'),
      hangMs: integerOption(values, 'hang-ms', simulatorFaultsSchema.shape.hangMs),
      seed: integerOption(values, 'fault-seed', simulatorFaultsSchema.shape.seed),
    };
    for (const [flag, option] of Object.entries(FAULT_FLAGS)) faults[option] = numberOption(values, flag);
    const simulator = await startSimulator({
      port: integerOption(values, 'port', simulatorOptionsSchema.shape.port) ?? 8787,
      host: stringOption(values, 'host'),
      seed: integerOption(values, 'seed', simulatorOptionsSchema.shape.seed),
      // The bounds of every wait the simulator holds.
      latencyMs: integerOption(values, 'latency-ms', simulatorFaultsSchema.shape.hangMs),
      faults,
    }).catch((error: unknown) => {
      // port, host, seed, latencyMs: the dispatcher names their flags.
      throw withFlags(error, [], FAULT_OPTION_FLAGS);
    });
    const active = Object.entries(FAULT_FLAGS).flatMap(([, option]) => {
      const rate = faults[option] ?? 0;
      return rate > 0 ? [[option, rate] as const] : [];
    });
    process.stdout.write(
      `simulated LLM (OpenAI-compatible) at ${simulator.url}${
        active.length > 0 ? ` with faults ${active.map(([name, rate]) => `${name}=${rate}`).join(' ')}` : ''
      }\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await simulator.close();
    const stats = simulator.stats();
    const injected = Object.entries(stats.faults).filter(([, count]) => count > 0);
    process.stderr.write(
      `served ${stats.total} requests: ${stats.answered} answered, ${stats.invalid} invalid${
        injected.length > 0
          ? `, faults ${injected.map(([kind, count]) => `${kind} ${count}`).join(', ')}`
          : ''
      }\n`,
    );
    return EXIT.ok;
  },
});
