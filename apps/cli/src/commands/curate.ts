import { formatCuration } from '@treesynth/curate';
import {
  type CurateOnEndpointOptions,
  curateOnEndpoint,
  curateOnEndpointOptionsSchema,
  curationSettings,
} from '@treesynth/experiment';
import { defineCommand, type OptionSpec, OUTPUT_OPTIONS } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { flagValues, schemaFlags } from '../flags.js';
import { printResult, runJob } from '../job.js';
import { CURATION_OPTIONS } from './curation-flags.js';

const FIELDS = curateOnEndpointOptionsSchema.shape;

const CURATE_OPTIONS = {
  ...CURATION_OPTIONS,
  config: {
    type: 'string',
    value: '<file>',
    option: 'configFile',
    description: 'run config JSON whose `curation` key sets the steps',
  },
  ...schemaFlags(FIELDS, {
    model: { description: 'model id at the endpoint (default: the run’s)' },
    'base-url': { description: 'OpenAI-compatible endpoint (default: $OPENAI_BASE_URL or the run’s)' },
    'timeout-ms': {},
  }),
  'no-cache': { type: 'boolean', option: false, description: 'do not keep model answers in <run>/cache' },
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;

type CurateFlags = Omit<CurateOnEndpointOptions, 'folder'> & { configFile?: string };

export const command = defineCommand({
  name: 'curate',
  summary:
    'Deduplicate, decontaminate, answer, verify and judge the rows of a finished run (curated.jsonl, removed.jsonl, curation.json).',
  usage: 'treesynth curate <run> [--dedup] [--decontaminate] [--answer] [--verify N] [--judge] [options]',
  options: CURATE_OPTIONS,
  args: ['<run>'],
  notes: [
    'Steps run in order (dedup, decontaminate, the config’s user `steps` modules, answer, verify, judge) on the',
    'run folder; each row’s outcome is logged in curation/<step>.jsonl as it finishes, so a killed curation',
    'resumes where it stopped, and every call goes through the run’s response cache. Rerunning with the same',
    'settings redoes nothing; a changed setting (or an edited step module) redoes that step and the ones after',
    'it. The last settings are kept in curation.json.',
    'See docs/curate.md.',
  ].join('\n'),
  examples: [
    'treesynth curate runs/gsm8k --dedup --decontaminate --answer --verify 5 --min-agreement 0.6',
    'treesynth curate runs/code --answer --verify 1 --judge --judge-threshold 3.5',
  ],
  async run(values, positionals) {
    const folder = positionals[0]!;
    const { configFile, curation: given, ...options } = flagValues<CurateFlags>(values, CURATE_OPTIONS);
    const curation = curationSettings(folder, { configFile, curation: given });
    const result = await runJob(values, 'treesynth curate', ({ signal }) =>
      curateOnEndpoint({ ...options, folder, curation, cache: values['no-cache'] !== true, signal }),
    );
    printResult(values, result.summary, () => formatCuration(result));
    return EXIT.ok;
  },
});
