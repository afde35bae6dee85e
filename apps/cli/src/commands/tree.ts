import { defineCommand } from '../command.js';
import { JOB_OPTIONS } from './job-options.js';
import { runFlags } from './run.js';

export const command = defineCommand({
  name: 'tree',
  summary:
    'Build the partition tree only (stage one) and print the leaf calls and tokens that synthesis would cost.',
  usage: 'treesynth tree --task <name|file> --model <id> [options]',
  options: JOB_OPTIONS,
  notes: 'The run folder it writes can be finished later with: treesynth run --resume --out <dir>',
  examples: [
    'treesynth tree --task math --model gpt-4o-mini --depth 2 --out runs/math',
    'treesynth run --resume --out runs/math --max-samples 20000',
  ],
  run: (values) => runFlags(values, true),
});
