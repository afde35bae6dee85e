#!/usr/bin/env node

import { treesynth } from './treesynth.js';

// A reader that goes away early (`treesynth ... | head -3`) ends the process quietly, with no stack.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

treesynth(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    // Loaded only on an error: `--help` and `--version` need none of the packages.
    const { exitCodeFor, oneLine } = await import('./exit-codes.js');
    process.stderr.write(`treesynth: ${oneLine(error, process.env.OPENAI_API_KEY)}\n`);
    if (process.env.TREESYNTH_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = exitCodeFor(error);
  },
);
