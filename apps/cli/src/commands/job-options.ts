import {
  engineConfigSchema,
  openRunOptionsSchema,
  synthesisConfigSchema,
  treeConfigSchema,
} from '@treesynth/core';
import { callStackOptionsSchema } from '@treesynth/providers';
import type { OptionSpec, ParsedValues } from '../command.js';
import { integerOption, stringOption } from '../command.js';
import type { JobRequest } from '../run-job.js';
import { schemaOption } from '../schema-options.js';

/**
 * The setting each number flag fills: its zod schema is the one source of the flag's description,
 * default and bounds.
 */
export const NUMBER_FLAGS = {
  depth: treeConfigSchema.shape.depth,
  pivots: treeConfigSchema.shape.pivots,
  'samples-per-call': synthesisConfigSchema.shape.samplesPerCall,
  concurrency: engineConfigSchema.shape.concurrency,
  'max-samples': engineConfigSchema.shape.maxSamples,
  seed: engineConfigSchema.shape.seed,
  'timeout-ms': callStackOptionsSchema.shape.timeoutMs,
  'max-attempts': callStackOptionsSchema.shape.maxAttempts,
  rpm: callStackOptionsSchema.shape.requestsPerMinute,
  tpm: callStackOptionsSchema.shape.tokensPerMinute,
} as const;

const RUN = openRunOptionsSchema.shape;

/** Options shared by `run` and `tree`. */
export const JOB_OPTIONS = {
  task: schemaOption(RUN.task, { value: '<name|file>' }),
  description: schemaOption(RUN.description, { value: '<text>' }),
  requirement: schemaOption(RUN.requirements, {
    value: '<text>',
    multiple: true,
    description: 'a rule every sample follows (generic; repeatable)',
  }),
  model: { type: 'string', value: '<id>', description: 'model id at the endpoint, e.g. gpt-4o-mini' },
  'base-url': {
    type: 'string',
    multiple: true,
    value: '<url>',
    description:
      'OpenAI-compatible endpoint; repeat for several servers of one model (load-balanced, with failover) (default: $OPENAI_BASE_URL or OpenAI)',
  },
  rpm: schemaOption(NUMBER_FLAGS.rpm),
  tpm: schemaOption(NUMBER_FLAGS.tpm),
  prices: {
    type: 'string',
    value: '<file>',
    description: 'price file {"<model>": {"prompt", "cachedPrompt", "completion"}} in USD per 1M tokens',
  },
  out: schemaOption(RUN.out, { value: '<dir>' }),
  resume: schemaOption(RUN.resume),
  config: schemaOption(RUN.configFile, {
    value: '<file>',
    description: 'engine config JSON (tree, synthesis, ...); flags override it',
  }),
  depth: schemaOption(NUMBER_FLAGS.depth),
  pivots: schemaOption(NUMBER_FLAGS.pivots),
  'samples-per-call': schemaOption(NUMBER_FLAGS['samples-per-call']),
  concurrency: schemaOption(NUMBER_FLAGS.concurrency),
  'max-samples': schemaOption(NUMBER_FLAGS['max-samples'], {
    description:
      'cap the dataset, spread evenly over leaves; a resume may raise it (rows kept, leaves topped up)',
  }),
  seed: schemaOption(NUMBER_FLAGS.seed),
  'timeout-ms': schemaOption(NUMBER_FLAGS['timeout-ms'], { value: '<ms>' }),
  'max-attempts': schemaOption(NUMBER_FLAGS['max-attempts']),
  'no-cache': {
    type: 'boolean',
    description: 'do not keep model answers in <out>/cache (resume then pays again)',
  },
  json: { type: 'boolean', description: 'print the summary as JSON on stdout' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr' },
} satisfies Record<string, OptionSpec>;

/** A number flag of NUMBER_FLAGS, checked against its setting's bounds. */
export function numberFlag(values: ParsedValues, flag: keyof typeof NUMBER_FLAGS): number | undefined {
  return integerOption(values, flag, NUMBER_FLAGS[flag]);
}

export function jobRequest(values: ParsedValues, treeOnly: boolean, signal: AbortSignal): JobRequest {
  const requirements = values.requirement;
  return {
    task: stringOption(values, 'task'),
    description: stringOption(values, 'description'),
    requirements: Array.isArray(requirements) ? requirements : undefined,
    model: stringOption(values, 'model'),
    baseURLs: Array.isArray(values['base-url']) ? values['base-url'] : undefined,
    requestsPerMinute: numberFlag(values, 'rpm'),
    tokensPerMinute: numberFlag(values, 'tpm'),
    pricesFile: stringOption(values, 'prices'),
    out: stringOption(values, 'out'),
    resume: values.resume === true,
    configFile: stringOption(values, 'config'),
    overrides: {
      depth: numberFlag(values, 'depth'),
      pivots: numberFlag(values, 'pivots'),
      samplesPerCall: numberFlag(values, 'samples-per-call'),
      concurrency: numberFlag(values, 'concurrency'),
      maxSamples: numberFlag(values, 'max-samples'),
      seed: numberFlag(values, 'seed'),
    },
    timeoutMs: numberFlag(values, 'timeout-ms'),
    maxAttempts: numberFlag(values, 'max-attempts'),
    treeOnly,
    quiet: values.quiet === true,
    cache: values['no-cache'] !== true,
    env: process.env,
    signal,
  };
}
