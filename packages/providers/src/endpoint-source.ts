import {
  type ChatModel,
  ConfigError,
  callLimitsSchema,
  type Logger,
  type ModelConnector,
  type OptionNamer,
} from '@treesynth/core';
import { parseOptions } from '@treesynth/core/internal';
import { z } from 'zod';
import { connectEndpoints, createModelStack } from './create-model-stack.js';
import { parseBaseUrl } from './openai/base-url.js';
import { DEFAULT_OPENAI_BASE_URL } from './openai/openai-compatible-provider.js';

/**
 * Where a job's chat model is served, as a person gives it: each part may be left out and is then
 * taken from the environment (OPENAI_BASE_URL, OPENAI_API_KEY) or, on resume, from the run.
 */
export const endpointSourceSchema = z.object({
  modelId: z.string().min(1).optional().describe('model id at the endpoint, e.g. gpt-4o-mini'),
  baseURLs: z
    .array(z.string().min(1))
    .optional()
    .describe(
      'OpenAI-compatible endpoint; several serving one model are load-balanced, with failover (default: $OPENAI_BASE_URL or OpenAI)',
    ),
  /** Default: OPENAI_API_KEY (of `env` when given); loopback endpoints need none. */
  apiKey: z.string().optional(),
  /** Where OPENAI_BASE_URL and OPENAI_API_KEY are read (default `process.env`; `{}` reads none). */
  env: z.record(z.string(), z.string().optional()).optional(),
  /** Stops the endpoint check. */
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
});

export type EndpointSource = z.input<typeof endpointSourceSchema>;

/**
 * The endpoint(s) a job calls: `baseURLs`, else OPENAI_BASE_URL, else `fallback` (a resumed run's
 * endpoint, or OpenAI). Each is checked, so a bad one is a one-line error naming the option or the
 * variable before anything is written. A run keeps its endpoint without credentials, so a stored one
 * with `***` in it must be given again.
 */
export function resolveBaseURLs(
  source: Pick<EndpointSource, 'baseURLs' | 'env'>,
  fallback = DEFAULT_OPENAI_BASE_URL,
): string[] {
  if (source.baseURLs && source.baseURLs.length > 0) {
    for (const url of source.baseURLs) parseBaseUrl(url, 'baseURLs');
    return [...source.baseURLs];
  }
  const fromEnv = (source.env ?? process.env).OPENAI_BASE_URL?.trim();
  if (fromEnv) {
    parseBaseUrl(fromEnv, 'OPENAI_BASE_URL');
    return [fromEnv];
  }
  if (fallback.includes('***'))
    throw new ConfigError({
      path: 'baseURLs',
      message: `the run keeps its endpoint without credentials (${fallback}); give it again, or set OPENAI_BASE_URL`,
    });
  return [fallback];
}

/** The key given, else `env`'s; with neither, the client reads OPENAI_API_KEY itself. */
function apiKeyOf(source: EndpointSource): string | undefined {
  return source.apiKey ?? (source.env?.OPENAI_API_KEY || undefined);
}

/**
 * openRun's `model` for an OpenAI-compatible endpoint: the model id and endpoint given, else the
 * resumed run's, checked and connected (several base URLs load-balanced). Errors name the option.
 *
 * ```ts
 * const run = await openRun({ out, resume: true, model: endpointConnector({}) }); // the run's own model
 * ```
 */
export function endpointConnector(source: EndpointSource): ModelConnector {
  const options = parseOptions(endpointSourceSchema, source);
  return async (stored) => {
    const modelId = options.modelId ?? stored?.modelId;
    if (!modelId) throw new ConfigError({ path: 'modelId', message: 'which model? e.g. gpt-4o-mini' });
    const baseURLs = resolveBaseURLs(options, stored?.baseURL);
    const model = await connectEndpoints({
      modelId,
      baseURLs,
      apiKey: apiKeyOf(options),
      signal: options.signal,
    });
    return { model, baseURL: baseURLs[0] };
  };
}

export const endpointModelSourceSchema = endpointSourceSchema
  .omit({ signal: true })
  .extend(callLimitsSchema.shape)
  .extend({
    modelId: z.string().min(1),
    /** How errors and notices name the rate limits (e.g. a CLI's flags); default the option's name. */
    optionName: z.custom<OptionNamer>((value) => typeof value === 'function').optional(),
  });

export type EndpointModelSource = z.input<typeof endpointModelSourceSchema>;

/**
 * A chat model built when a job needs it (`balanceDataset`'s `model`): the base URLs are checked
 * now; `create` connects (checking each endpoint) and makes the model stack with the response cache
 * in the folder the job names, the rate limits, and retries.
 */
export function endpointModelSource(source: EndpointModelSource): {
  id: string;
  create(context: { cacheDir?: string; logger: Logger; signal?: AbortSignal }): Promise<ChatModel>;
} {
  const {
    modelId,
    baseURLs: given,
    env,
    apiKey,
    optionName,
    ...limits
  } = parseOptions(endpointModelSourceSchema, source);
  const baseURLs = resolveBaseURLs({ baseURLs: given, env });
  const name = optionName ?? ((option: string) => option);
  return {
    id: modelId,
    create: ({ cacheDir, logger, signal }) =>
      createModelStack({
        ...limits,
        modelId,
        baseURLs,
        apiKey: apiKeyOf({ apiKey, env }),
        signal,
        cacheDir,
        logger,
        limitNames: {
          requestsPerMinute: name('requestsPerMinute'),
          tokensPerMinute: name('tokensPerMinute'),
        },
      }),
  };
}
