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

export function jobRequest(values: ParsedValues, treeOnly: boolean, signal: AbortSignal): JobRequest {
  const requirements = values.requirement;
  return {
    task: stringOption(values, 'task'),
    description: stringOption(values, 'description'),
    requirements: Array.isArray(requirements) ? requirements : undefined,
    model: stringOption(values, 'model'),
    baseURLs: Array.isArray(values['base-url']) ? values['base-url'] : undefined,
    requestsPerMinute: integerOption(values, 'rpm', 1),
    tokensPerMinute: integerOption(values, 'tpm', 1),
    pricesFile: stringOption(values, 'prices'),
    out: stringOption(values, 'out'),
    resume: values.resume === true,
    configFile: stringOption(values, 'config'),
    overrides: {
      depth: integerOption(values, 'depth'),
      pivots: integerOption(values, 'pivots', 2),
      samplesPerCall: integerOption(values, 'samples-per-call', 1),
      concurrency: integerOption(values, 'concurrency', 1),
      maxSamples: integerOption(values, 'max-samples', 1),
      seed: integerOption(values, 'seed'),
    },
    timeoutMs: integerOption(values, 'timeout-ms', 1),
    maxAttempts: integerOption(values, 'max-attempts', 1),
    treeOnly,
    quiet: values.quiet === true,
    cache: values['no-cache'] !== true,
    env: process.env,
    signal,
  };
}
