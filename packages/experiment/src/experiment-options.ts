import { callLimitsSchema, type Logger } from '@treesynth/core';
import { EXPORT_FORMATS } from '@treesynth/curate';
import { DEFAULT_OFFLINE_EMBEDDER, EMBEDDER_SPECS, endpointSourceSchema } from '@treesynth/providers';
import { z } from 'zod';

/** What `runExperiment` tells as it goes: a method's step starting, or the comparison. */
export interface ExperimentProgress {
  step: 'run' | 'curate' | 'export' | 'report' | 'bench';
  /** The method the step works on; absent for the report and the bench table. */
  method?: string;
  /** True when the step had finished before (experiment.json) and was not redone. */
  skipped: boolean;
}

/** The options of `runExperiment`: the one source of their defaults, limits and descriptions. */
export const runExperimentOptionsSchema = z
  .object({
    config: z
      .string()
      .min(1)
      .describe('experiment config JSON with an `experiment` block (benchmarks/paper/*.json)'),
    out: z
      .string()
      .min(1)
      .optional()
      .describe('the experiment folder (default: runs/experiments/<experiment name>)'),
    modelId: endpointSourceSchema.shape.modelId.describe(
      'generator model id at the endpoint, the same for every method (default on resume: the experiment’s)',
    ),
    baseURLs: endpointSourceSchema.shape.baseURLs,
    apiKey: endpointSourceSchema.shape.apiKey,
    env: endpointSourceSchema.shape.env,
    dataSize: z
      .number()
      .int()
      .min(2)
      .optional()
      .describe('rows each method makes (default: the config’s experiment.dataSize)'),
    embedder: z
      .string()
      .min(1)
      .default(DEFAULT_OFFLINE_EMBEDDER)
      .describe(`the one embedder every method's diversity is measured with: ${EMBEDDER_SPECS.join(', ')}`),
    exportFormat: z
      .enum(EXPORT_FORMATS, { error: `expected one of ${EXPORT_FORMATS.join(', ')}` })
      .default('alpaca')
      .describe(`fine-tune export format of every method: ${EXPORT_FORMATS.join(', ')}`),
    maxPoints: z
      .number()
      .int()
      .min(0)
      .max(1_000_000)
      .default(4000)
      .describe('points in the report’s t-SNE map, shared over the methods; 0 leaves the map out'),
    bench: z
      .array(z.string().min(1))
      .default([])
      .describe(
        'result folders of treesynth bench for models trained on each method’s data, named by method',
      ),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
    logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
    onProgress: z
      .custom<(progress: ExperimentProgress) => void>((value) => typeof value === 'function')
      .optional(),
  })
  .extend(callLimitsSchema.shape)
  .strict();

export type RunExperimentOptions = z.input<typeof runExperimentOptionsSchema>;
export type ParsedExperimentOptions = z.output<typeof runExperimentOptionsSchema>;
