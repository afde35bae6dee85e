import {
  callLimitsSchema,
  engineConfigSchema,
  synthesisConfigSchema,
  treeConfigSchema,
} from '@treesynth/core';
import type { OptionSpec, ParsedValues } from '../command.js';
import { integerOption, stringOption } from '../command.js';
import type { JobRequest } from '../run-job.js';

/** Options shared by `run` and `tree`. */
export const JOB_OPTIONS = {
  task: {
    type: 'string',
    value: '<name|file>',
    description: 'gsm8k, math, code, tom, generic, or a task JSON file',
  },
  description: {
    type: 'string',
    value: '<text>',
    description: 'one-line task description (with --task generic)',
  },
  requirement: {
    type: 'string',
    multiple: true,
    value: '<text>',
    description: 'a rule every sample follows (generic; repeatable)',
  },
  model: { type: 'string', value: '<id>', description: 'model id at the endpoint, e.g. gpt-4o-mini' },
  'base-url': {
    type: 'string',
    multiple: true,
    value: '<url>',
    description:
      'OpenAI-compatible endpoint; repeat for several servers of one model (load-balanced, with failover) (default: $OPENAI_BASE_URL or OpenAI)',
  },
  rpm: { type: 'string', value: '<n>', description: 'requests per minute allowed at the endpoint(s)' },
  tpm: { type: 'string', value: '<n>', description: 'tokens per minute allowed at the endpoint(s)' },
  prices: {
    type: 'string',
    value: '<file>',
    description: 'price file {"<model>": {"prompt", "cachedPrompt", "completion"}} in USD per 1M tokens',
  },
  out: { type: 'string', value: '<dir>', description: 'run folder (default: runs/<task>-seed<seed>)' },
  resume: { type: 'boolean', description: 'continue the run in --out where it stopped' },
  config: {
    type: 'string',
    value: '<file>',
    description: 'engine config JSON (tree, synthesis, ...); flags override it',
  },
  depth: { type: 'string', value: '<n>', description: 'partition levels below the root', default: '4' },
  pivots: { type: 'string', value: '<n>', description: 'pivot samples per node', default: '10' },
  'samples-per-call': {
    type: 'string',
    value: '<n>',
    description: 'samples asked for in one leaf call',
    default: '10',
  },
  concurrency: { type: 'string', value: '<n>', description: 'model calls in flight at once', default: '16' },
  'max-samples': {
    type: 'string',
    value: '<n>',
    description:
      'cap the dataset, spread evenly over leaves; a resume may raise it (rows kept, leaves topped up)',
  },
  seed: { type: 'string', value: '<n>', description: 'seed for every random choice', default: '0' },
  'timeout-ms': {
    type: 'string',
    value: '<ms>',
    description: 'give up on one attempt of a call after this long',
    default: '120000',
  },
  'max-attempts': {
    type: 'string',
    value: '<n>',
    description: 'attempts per call on 429, 5xx, timeouts and resets',
    default: '5',
  },
  'no-cache': {
    type: 'boolean',
    description: 'do not keep model answers in <out>/cache (resume then pays again)',
  },
  json: { type: 'boolean', description: 'print the summary as JSON on stdout' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress on stderr' },
} satisfies Record<string, OptionSpec>;

/** The setting each number flag fills: its zod schema is the one source of the flag's bounds. */
export const NUMBER_FLAGS = {
  depth: treeConfigSchema.shape.depth,
  pivots: treeConfigSchema.shape.pivots,
  'samples-per-call': synthesisConfigSchema.shape.samplesPerCall,
  concurrency: engineConfigSchema.shape.concurrency,
  'max-samples': engineConfigSchema.shape.maxSamples,
  seed: engineConfigSchema.shape.seed,
  'timeout-ms': callLimitsSchema.shape.timeoutMs,
  'max-attempts': callLimitsSchema.shape.maxAttempts,
  rpm: callLimitsSchema.shape.requestsPerMinute,
  tpm: callLimitsSchema.shape.tokensPerMinute,
} as const;

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
