import { readFileSync } from 'node:fs';
import type { CommandSpec } from './command.js';

/** Commands load lazily (each module exports `command`): `sim` does not pay for the engine, and so on. */
const COMMANDS: Record<string, [summary: string, load: () => Promise<{ command: CommandSpec }>]> = {
  run: ['build the tree and synthesize the dataset', () => import('./commands/run.js')],
  tree: ['build the tree only and show what synthesis would cost', () => import('./commands/tree.js')],
  demo: ['offline demo: a gsm8k run against the built-in simulated LLM', () => import('./commands/demo.js')],
  batch: [
    'export leaf calls as an OpenAI Batch file; ingest the results',
    () => import('./commands/batch.js'),
  ],
  balance: [
    'route an existing JSONL dataset to tree leaves and rebalance it',
    () => import('./commands/balance.js'),
  ],
  export: [
    'export a run or dataset file to openai, messages, alpaca, sharegpt, jsonl or parquet, with a card',
    () => import('./commands/export.js'),
  ],
  report: [
    'write a self-contained HTML report (t-SNE, tree, metrics) for runs or JSONL files',
    () => import('./commands/report.js'),
  ],
  eval: [
    'compare datasets: `treesynth eval diversity <files...>` prints diversity metrics',
    () => import('./commands/eval.js'),
  ],
  bench: [
    'evaluate a model on GSM8K, MATH, HumanEval and MBPP; compare result folders',
    () => import('./commands/bench.js'),
  ],
  curate: [
    'deduplicate, decontaminate, answer, verify and judge the rows of a finished run',
    () => import('./commands/curate.js'),
  ],
  experiment: [
    'run a paper experiment: all methods at one size, curated, compared, exported',
    () => import('./commands/experiment.js'),
  ],
  sim: ['serve the simulated OpenAI-compatible LLM on loopback', () => import('./commands/sim.js')],
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'treesynth: diverse, balanced training data from a one-line task (TreeSynth, arXiv 2503.17195)',
    '',
    'Usage: treesynth <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, [summary]]) => `  ${name.padEnd(width)}${summary}`),
    '',
    'Run `treesynth <command> --help` for a command’s options and examples, `treesynth --version` for the version.',
    '',
    'Examples:',
    '  treesynth demo',
    '  OPENAI_API_KEY=... treesynth run --task gsm8k --model gpt-4o-mini --depth 3 --max-samples 5000 --out runs/gsm8k',
    '',
  ].join('\n');
}

/** The CLI's version, from its package.json (beside `src/` and `dist/`; the test bundle keeps the path). */
export function cliVersion(): string {
  const file = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Run one command line (without `node` and the script) and give its exit code; errors are thrown. */
export async function treesynth(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${cliVersion()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    process.stderr.write(
      `treesynth: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
    );
    return 2;
  }
  const [command, { formatHelp, parseCommandArgs }, { withFlags }] = await Promise.all([
    entry[1]().then((module) => module.command),
    import('./command.js'),
    import('./option-flags.js'),
  ]);
  const { values, positionals, help } = parseCommandArgs(command, rest);
  if (help) {
    process.stdout.write(formatHelp(command));
    return 0;
  }
  // Package errors name their option (`cacheDir`); the user gave a flag (`--cache-dir`).
  return command.run(values, positionals).catch((error: unknown) => {
    throw withFlags(error, command);
  });
}
