import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { formatCuration, hasCurationSteps } from '@treesynth/curate';
import {
  type CurateOnEndpointOptions,
  curateOnEndpoint,
  curateOnEndpointOptionsSchema,
  curationSettings,
} from '@treesynth/experiment';
import { defineCommand, type OptionSpec } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printResult, runJob } from '../job.js';
import { flagValues, schemaOption } from '../schema-options.js';
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
  model: schemaOption(FIELDS.modelId, {
    value: '<id>',
    option: 'modelId',
    description: 'model id at the endpoint (default: the run’s)',
  }),
  'base-url': schemaOption(FIELDS.baseURLs, {
    value: '<url>',
    option: 'baseURLs',
    description: 'OpenAI-compatible endpoint (default: $OPENAI_BASE_URL or the run’s)',
  }),
  'timeout-ms': schemaOption(FIELDS.timeoutMs, { value: '<ms>' }),
  'no-cache': { type: 'boolean', option: false, description: 'do not keep model answers in <run>/cache' },
  json: { type: 'boolean', option: false, description: 'print curation.json on stdout' },
} satisfies Record<string, OptionSpec>;

type CurateFlags = Omit<CurateOnEndpointOptions, 'folder'> & { configFile?: string };

export const command = defineCommand({
  name: 'curate',
  summary:
    'Deduplicate, decontaminate, answer, verify and judge the rows of a finished run (curated.jsonl, removed.jsonl, curation.json).',
  usage: 'treesynth curate <run> [--dedup] [--decontaminate] [--answer] [--verify N] [--judge] [options]',
  options: CURATE_OPTIONS,
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
    const folder = positionals[0];
    if (!folder || positionals.length > 1)
      throw new ConfigError({
        path: '<run>',
        message: 'give one run folder, e.g. treesynth curate runs/gsm8k',
      });
    if (!existsSync(join(folder, 'run.json')))
      throw new ConfigError({ path: folder, message: 'is not a run folder (no run.json)' });
    const { configFile, curation: given, ...options } = flagValues<CurateFlags>(values, CURATE_OPTIONS);
    const curation = curationSettings(folder, { configFile, curation: given });
    if (!hasCurationSteps(curation))
      throw new ConfigError({
        path: '--answer',
        message:
          'no curation step asked for: give --dedup, --decontaminate, --answer, --verify N, --judge or a config with `curation`',
      });
    const result = await runJob(values, 'treesynth curate', ({ signal }) =>
      curateOnEndpoint({ ...options, folder, curation, cache: values['no-cache'] !== true, signal }),
    );
    printResult(values, result.summary, () => formatCuration(result));
    return EXIT.ok;
  },
});
