import {
  engineConfigSchema,
  openRunOptionsSchema,
  synthesisConfigSchema,
  treeConfigSchema,
} from '@treesynth/core';
import { callStackOptionsSchema, runOnEndpointOptionsSchema } from '@treesynth/providers';
import { type OptionSpec, OUTPUT_OPTIONS } from '../command.js';
import { schemaOption } from '../schema-options.js';

const RUN = openRunOptionsSchema.shape;
const ENDPOINT = runOnEndpointOptionsSchema.shape;
const CALLS = callStackOptionsSchema.shape;

/** Options shared by `run` and `tree` (and, most of them, `balance`): each from its package's schema. */
export const JOB_OPTIONS = {
  task: schemaOption(RUN.task, { value: '<name|file>' }),
  description: schemaOption(RUN.description, { value: '<text>' }),
  requirement: schemaOption(RUN.requirements, {
    value: '<text>',
    option: 'requirements',
    description: 'a rule every sample follows (generic; repeatable)',
  }),
  model: schemaOption(ENDPOINT.modelId, { value: '<id>', option: 'modelId' }),
  'base-url': schemaOption(ENDPOINT.baseURLs, { value: '<url>', option: 'baseURLs' }),
  rpm: schemaOption(CALLS.requestsPerMinute, { option: 'requestsPerMinute' }),
  tpm: schemaOption(CALLS.tokensPerMinute, { option: 'tokensPerMinute' }),
  prices: schemaOption(ENDPOINT.prices, { value: '<file>' }),
  out: schemaOption(RUN.out, { value: '<dir>' }),
  resume: schemaOption(RUN.resume),
  config: schemaOption(RUN.configFile, {
    value: '<file>',
    option: 'configFile',
    description: 'engine config JSON (tree, synthesis, ...); flags override it',
  }),
  depth: schemaOption(treeConfigSchema.shape.depth, { option: 'config.tree.depth' }),
  pivots: schemaOption(treeConfigSchema.shape.pivots, { option: 'config.tree.pivots' }),
  'samples-per-call': schemaOption(synthesisConfigSchema.shape.samplesPerCall, {
    option: 'config.synthesis.samplesPerCall',
  }),
  concurrency: schemaOption(engineConfigSchema.shape.concurrency, { option: 'config.concurrency' }),
  'max-samples': schemaOption(engineConfigSchema.shape.maxSamples, {
    option: 'config.maxSamples',
    description:
      'cap the dataset, spread evenly over leaves; a resume may raise it (rows kept, leaves topped up)',
  }),
  seed: schemaOption(engineConfigSchema.shape.seed, { option: 'config.seed' }),
  'timeout-ms': schemaOption(CALLS.timeoutMs, { value: '<ms>' }),
  'max-attempts': schemaOption(CALLS.maxAttempts),
  'no-cache': {
    type: 'boolean',
    option: false,
    description: 'do not keep model answers in <out>/cache (resume then pays again)',
  },
  ...OUTPUT_OPTIONS,
} satisfies Record<string, OptionSpec>;
