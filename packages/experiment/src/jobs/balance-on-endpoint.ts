import {
  type BalanceResult,
  balanceDataset,
  balanceOptionsSchema,
  balanceReportInput,
} from '@treesynth/balance';
import { callLimitsSchema, type OptionNamer } from '@treesynth/core';
import { type CurationConfigInput, rowsCurator } from '@treesynth/curate';
import { writeReport } from '@treesynth/eval';
import { embedderSource, embedderSpecOptionsSchema, endpointSourceSchema } from '@treesynth/providers';
import { endpointOrSimulator } from '@treesynth/simulator';
import { z } from 'zod';

const isObject = (value: unknown) => typeof value === 'object' && value !== null;

export const balanceOnEndpointOptionsSchema = balanceOptionsSchema
  .omit({ model: true, embedder: true, curateSynthesized: true, writeReport: true, secrets: true })
  .extend(endpointSourceSchema.omit({ signal: true }).shape)
  .extend(callLimitsSchema.shape)
  .extend({
    modelId: endpointSourceSchema.shape.modelId.describe(
      'model id at the endpoint (default: the built-in simulated LLM, offline)',
    ),
    embedder: embedderSpecOptionsSchema.shape.embedder,
    /** The synthesized rows' curation (`answer`, `verify`); the input's rows are never touched. */
    curation: z.custom<CurationConfigInput>(isObject, 'expected curation settings').optional(),
    /** How errors and notices name the rate limits (e.g. a CLI's flags). */
    optionName: z.custom<OptionNamer>((value) => typeof value === 'function').optional(),
  });

export type BalanceOnEndpointOptions = z.input<typeof balanceOnEndpointOptionsSchema>;

/**
 * `balanceDataset` with its model at an endpoint (rate limits, retries, the response cache in the
 * balance folder), or the built-in simulated LLM when neither a model id nor an endpoint is given;
 * the embedder from its spec; `curation` answering (and verifying) the synthesized rows; report.html
 * drawn by @treesynth/eval. What `treesynth balance` does.
 *
 * ```ts
 * const result = await balanceOnEndpoint({ data: 'train.jsonl', field: 'question', task: 'gsm8k', depth: 2 });
 * ```
 */
export async function balanceOnEndpoint(input: BalanceOnEndpointOptions): Promise<BalanceResult> {
  const {
    modelId,
    baseURLs,
    apiKey,
    env,
    requestsPerMinute,
    tokensPerMinute,
    timeoutMs,
    maxAttempts,
    optionName,
    embedder,
    curation,
    ...options
  } = input;
  const limits = { requestsPerMinute, tokensPerMinute, timeoutMs, maxAttempts };
  const source = { modelId, baseURLs, apiKey, env, ...limits, optionName };
  const model = endpointOrSimulator(source, options.seed ?? 0);
  try {
    return await balanceDataset({
      ...options,
      ...(curation ? { curateSynthesized: rowsCurator({ answer: {}, ...curation }, 'balance') } : {}),
      embedder: embedderSource(embedder),
      model,
      writeReport: (file, report) => writeReport(file, balanceReportInput(report)),
      secrets: [apiKey ?? (env ?? process.env).OPENAI_API_KEY],
    });
  } finally {
    await model.close();
  }
}
