import { engineConfigSchema } from '@treesynth/core';
import { callStackOptionsSchema, runOnEndpointOptionsSchema } from '@treesynth/providers';
import { type OptionSpec, OUTPUT_OPTIONS } from '../command.js';
import { schemaFlags, switchFlag } from '../flags.js';

/** Options shared by `run` and `tree` (and, most of them, `balance`): each from runOnEndpoint's schema. */
export const JOB_OPTIONS = {
  ...schemaFlags(runOnEndpointOptionsSchema.shape, {
    task: '<name|file>',
    description: '<text>',
    requirement: {
      value: '<text>',
      option: 'requirements',
      description: 'a rule every sample follows (generic; repeatable)',
    },
    model: {},
    'base-url': {},
    rpm: {},
    tpm: {},
    prices: '<file>',
    out: {},
    resume: {},
    config: {
      value: '<file>',
      option: 'configFile',
      description: 'engine config JSON (tree, synthesis, ...); flags override it',
    },
  }),
  ...schemaFlags(
    engineConfigSchema.shape,
    {
      depth: { option: 'tree.depth' },
      pivots: { option: 'tree.pivots' },
      'samples-per-call': { option: 'synthesis.samplesPerCall' },
      concurrency: {},
      'max-samples': {
        description:
          'cap the dataset, spread evenly over leaves; a resume may raise it (rows kept, leaves topped up)',
      },
      seed: {},
    },
    'config',
  ),
  ...schemaFlags(callStackOptionsSchema.shape, ['timeout-ms', 'max-attempts']),
  'no-cache': switchFlag('do not keep model answers in <out>/cache (resume then pays again)'),
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;
