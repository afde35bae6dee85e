import { readFileSync } from 'node:fs';
import type { CommandSpec } from './command.js';

const COMMANDS = {
  run: 'build the tree and synthesize the dataset',
  tree: 'build the tree only and show what synthesis would cost',
  demo: 'offline demo: a gsm8k run against the built-in simulated LLM',
  batch: 'export leaf calls as an OpenAI Batch file; ingest the results',
  balance: 'route an existing JSONL dataset to tree leaves and rebalance it',
  export: 'export a run or dataset file to a fine-tuning format (openai, sharegpt, parquet, ...)',
  report: 'write a self-contained HTML report (t-SNE, tree, metrics) for runs or JSONL files',
  eval: 'compare datasets: `treesynth eval diversity <files...>` prints diversity metrics',
  bench: 'evaluate a model on GSM8K, MATH, HumanEval and MBPP; compare result folders',
  curate: 'deduplicate, decontaminate, answer, verify and judge the rows of a finished run',
  experiment: 'run a paper experiment: all methods at one size, curated, compared, exported',
  sim: 'serve the simulated OpenAI-compatible LLM on loopback',
};

/** Commands load lazily (each module exports `command`): `sim` does not pay for the engine, and so on. */
const LOADERS: Record<keyof typeof COMMANDS, () => Promise<{ command: CommandSpec }>> = {
  run: () => import('./commands/run.js'),
  tree: () => import('./commands/tree.js'),
  demo: () => import('./commands/demo.js'),
  batch: () => import('./commands/batch.js'),
  balance: () => import('./commands/balance.js'),
  export: () => import('./commands/export.js'),
  report: () => import('./commands/report.js'),
  eval: () => import('./commands/eval.js'),
  bench: () => import('./commands/bench.js'),
  curate: () => import('./commands/curate.js'),
  experiment: () => import('./commands/experiment.js'),
  sim: () => import('./commands/sim.js'),
};

function mainHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length)) + 2;
  return [
    'treesynth: diverse, balanced training data from a one-line task (TreeSynth, arXiv 2503.17195)',
    '',
    'Usage: treesynth <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, summary]) => `  ${name.padEnd(width)}${summary}`),
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
  const load = Object.hasOwn(LOADERS, name) ? LOADERS[name as keyof typeof COMMANDS] : undefined;
  if (!load) {
    process.stderr.write(
      `treesynth: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')}\n`,
    );
    return 2;
  }
  const [command, { formatHelp, parseCommandArgs }, { withFlags }] = await Promise.all([
    load().then((module) => module.command),
    import('./command.js'),
    import('./flags.js'),
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
