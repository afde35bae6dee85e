import { startSimulator } from '@treesynth/providers';
import { defineCommand, integerOption, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';

export const simCommand = defineCommand({
  name: 'sim',
  summary: 'Serve the simulated OpenAI-compatible LLM on loopback, for tests, demos and benchmarks.',
  usage: 'treesynth sim [--port P] [--seed S] [--latency-ms L]',
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
  },
  notes:
    'Answers TreeSynth stage requests from a hidden, seeded world of attributes; GET /stats counts requests. Stop with Ctrl-C.',
  examples: [
    'treesynth sim --port 8787 --latency-ms 200',
    'treesynth run --task gsm8k --model sim --base-url http://127.0.0.1:8787/v1 --depth 2',
  ],
  async run(values) {
    const simulator = await startSimulator({
      port: integerOption(values, 'port') ?? 8787,
      host: stringOption(values, 'host') ?? '127.0.0.1',
      seed: integerOption(values, 'seed') ?? 0,
      latencyMs: integerOption(values, 'latency-ms') ?? 0,
    });
    process.stdout.write(`simulated LLM (OpenAI-compatible) at ${simulator.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await simulator.close();
    const stats = simulator.stats();
    process.stderr.write(`served ${stats.total} requests\n`);
    return EXIT.ok;
  },
});
