import { ConfigError } from '@treesynth/core';
import { startSimulator } from '@treesynth/simulator';
import { defineCommand, integerOption, type ParsedValues, stringOption, wholeNumber } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { NUMBER_FLAGS, numberFlag } from './job-options.js';

/** Fault flags and the `faults` option each sets. */
const FAULT_FLAGS = {
  'fault-429': 'rate429',
  'fault-500': 'rate500',
  'fault-503': 'rate503',
  'fault-hang': 'rateHang',
  'fault-truncated': 'rateTruncated',
  'fault-malformed': 'rateMalformed',
  'fault-schema': 'rateSchemaViolation',
} as const;

/** A chance in [0, 1], with the flag named in the error. */
function rateOption(values: ParsedValues, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw);
  const rate = Number(text);
  if (text.trim() === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new ConfigError({ path: `--${name}`, message: `expected a rate between 0 and 1, got "${text}"` });
  }
  return rate;
}

/** Seconds >= 0, fractions allowed, with the flag named in the error. */
function secondsOption(values: ParsedValues, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (!/^\d+(\.\d+)?$/.test(text)) {
    throw new ConfigError({ path: `--${name}`, message: `expected seconds >= 0, got "${text}"` });
  }
  return Number(text);
}

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
    const faults: Record<string, number> = {};
    for (const [flag, option] of Object.entries(FAULT_FLAGS)) {
      const rate = rateOption(values, flag);
      if (rate !== undefined) faults[option] = rate;
    }
    const retryAfterSeconds = secondsOption(values, 'retry-after');
    const hangMs = integerOption(values, 'hang-ms', wholeNumber(0, 86_400_000));
    const faultSeed = integerOption(values, 'fault-seed', NUMBER_FLAGS.seed);
    const simulator = await startSimulator({
      port: integerOption(values, 'port', wholeNumber(0, 65_535)) ?? 8787,
      host: stringOption(values, 'host') ?? '127.0.0.1',
      seed: numberFlag(values, 'seed') ?? 0,
      latencyMs: integerOption(values, 'latency-ms', wholeNumber(0, 86_400_000)) ?? 0,
      faults: {
        ...faults,
        ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
        ...(hangMs !== undefined ? { hangMs } : {}),
        ...(faultSeed !== undefined ? { seed: faultSeed } : {}),
      },
    });
    const active = Object.entries(faults).filter(([, rate]) => rate > 0);
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
