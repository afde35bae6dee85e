import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ChatModel, ConfigError, callLimitsSchema, type Logger, readRunManifest } from '@treesynth/core';
import { parseOptions, readJsonFile } from '@treesynth/core/internal';
import {
  type CurateResult,
  type CurationConfigInput,
  curateRun,
  curationConfigSchema,
  type ExportFormat,
  type ExportResult,
  exportDataset,
  hasCurationSteps,
  loadStepModules,
  mergeCurationConfig,
  reachTargetRows,
  readCurationSummary,
  resolveStepModules,
  TARGET_FILE,
  type TargetResult,
} from '@treesynth/curate';
import {
  createModelStack,
  type EndpointRunResult,
  embedderSource,
  endpointSourceSchema,
  type RunOnEndpointOptions,
  resolveBaseURLs,
  runOnEndpoint,
} from '@treesynth/providers';
import { z } from 'zod';

const isObject = (value: unknown) => typeof value === 'object' && value !== null;

export const curateOnEndpointOptionsSchema = endpointSourceSchema
  .omit({ signal: true })
  .extend(callLimitsSchema.shape)
  .extend({
    /** A complete run folder. */
    folder: z.string().min(1).describe('run folder to curate'),
    /** The settings (docs/curate.md); `curationSettings` layers a folder's last ones, a file's and yours. */
    curation: z.custom<CurationConfigInput>(isObject, 'expected curation settings').default({}),
    cache: z
      .boolean()
      .default(true)
      .describe('keep model answers in <run>/cache (a rerun then pays nothing)'),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
    logger: z.custom<Logger>(isObject).optional(),
  })
  .strict();

export type CurateOnEndpointOptions = z.input<typeof curateOnEndpointOptionsSchema>;

/**
 * A run config file's `curation` key, its user step modules made absolute (curation.json keeps them
 * so). A file that is not an object has none: the run refuses it with its own error.
 */
function curationOfFile(configFile: string | undefined): CurationConfigInput | undefined {
  if (!configFile) return undefined;
  const file = readJsonFile(configFile, 'config file') as { curation?: CurationConfigInput } | null;
  const curation = isObject(file) ? file?.curation : undefined;
  return curation && resolveStepModules(curation, configFile);
}

/** A folder's curation settings: its last curation's, under a config file's `curation` key, under `given`. */
export function curationSettings(
  folder: string,
  layers: { configFile?: string; curation?: CurationConfigInput },
): CurationConfigInput {
  const stored = readCurationSummary(folder)?.config as CurationConfigInput | undefined;
  return mergeCurationConfig(stored, curationOfFile(layers.configFile), layers.curation);
}

/**
 * Curate a complete run folder (`curateRun`) with the run's endpoint and model unless others are
 * given, every call through the run's response cache (`<run>/cache`), the embedding dedup's
 * embeddings cached beside it, and a model of the endpoint for a step that names one.
 *
 * ```ts
 * const result = await curateOnEndpoint({ folder: 'runs/gsm8k', curation: { dedup: {}, answer: {} } });
 * ```
 */
export async function curateOnEndpoint(input: CurateOnEndpointOptions): Promise<CurateResult> {
  const { folder, curation, cache, modelId, baseURLs, apiKey, env, signal, logger, ...limits } = parseOptions(
    curateOnEndpointOptionsSchema,
    input,
  );
  if (!existsSync(join(folder, 'run.json')))
    throw new ConfigError({ path: folder, message: 'is not a run folder (no run.json)' });
  if (!hasCurationSteps(curation))
    throw new ConfigError({
      path: 'curation',
      message:
        'no curation step asked for: turn on dedup, decontaminate, answer, verify or judge, or give steps',
    });
  const manifest = readRunManifest(join(folder, 'run.json'));
  const urls = resolveBaseURLs({ baseURLs, env }, manifest.model.baseURL);
  const stack = (id: string): Promise<ChatModel> =>
    createModelStack({
      ...limits,
      modelId: id,
      baseURLs: urls,
      apiKey: apiKey ?? ((env ?? process.env).OPENAI_API_KEY || undefined),
      signal,
      logger,
      ...(cache ? { cacheDir: join(folder, 'cache') } : {}),
    });
  return curateRun({
    folder,
    curation,
    model: await stack(modelId ?? manifest.model.modelId),
    modelFor: stack,
    embedderFor: (spec) =>
      embedderSource(spec).create(cache ? { cacheDir: join(folder, 'cache', 'embeddings') } : {}),
    signal,
    logger,
  });
}

/** `runOnEndpoint`'s options, with the curation of the finished run and an export of its rows. */
export type RunAndCurateOptions = RunOnEndpointOptions & {
  /** Curation settings over the config file's `curation` key and the folder's last curation. */
  curation?: CurationConfigInput;
  /** Export the curated rows to `<out>/export-<format>` after curation. */
  exportFormat?: ExportFormat;
};

export interface RunAndCurateResult extends EndpointRunResult {
  curation?: CurateResult;
  /** With `targetRows`: the top-ups made and whether the target was reached. */
  target?: TargetResult;
  exported?: ExportResult;
}

/**
 * The sample budget of a run folder topped up for a target size (it has target.json), which a resume
 * giving the first command's smaller budget keeps; undefined for any other folder.
 */
function storedBudget(folder: string): number | undefined {
  if (!existsSync(join(folder, TARGET_FILE)) || !existsSync(join(folder, 'run.json'))) return undefined;
  return readRunManifest(join(folder, 'run.json')).config.maxSamples ?? undefined;
}

/**
 * A run on an endpoint (`runOnEndpoint`) and, once it is complete, its curation when any layer of the
 * settings asks for one (docs/curate.md). With `targetRows` the run is extended (a resume with a larger
 * budget) and curated again until curation leaves that many rows or the budget cap is hit. The
 * curation settings and user step modules are checked before the run, so a bad one costs nothing.
 */
export async function runAndCurate(input: RunAndCurateOptions): Promise<RunAndCurateResult> {
  const { curation: given, exportFormat, ...run } = input;
  parseOptions(curationConfigSchema, given ?? {}, (path) => `curation.${path}`);
  const steps = curationOfFile(run.configFile)?.steps;
  if (steps)
    await loadStepModules(
      parseOptions(curationConfigSchema, { steps }, (path) => `curation.${path}`).steps ?? [],
    );
  // A run topped up for targetRows has a larger budget than the command that started it gave.
  const budget = run.resume && run.out ? storedBudget(run.out) : undefined;
  const asked = run.config?.maxSamples;
  const config =
    budget !== undefined && asked !== undefined && asked !== null && asked < budget
      ? { ...run.config, maxSamples: budget }
      : run.config;
  const result: RunAndCurateResult = await runOnEndpoint({ ...run, config });
  if (run.treeOnly || result.summary.status !== 'complete') return result;
  const settings = curationSettings(result.dir, { configFile: run.configFile, curation: given });
  if (!hasCurationSteps(settings)) return result;
  const curate = () =>
    curateOnEndpoint({
      folder: result.dir,
      curation: settings,
      ...(run.model
        ? {}
        : { modelId: run.modelId, baseURLs: run.baseURLs, apiKey: run.apiKey, env: run.env }),
      cache: run.cache,
      timeoutMs: run.timeoutMs,
      maxAttempts: run.maxAttempts,
      requestsPerMinute: run.requestsPerMinute,
      tokensPerMinute: run.tokensPerMinute,
      signal: run.signal,
      logger: run.logger,
    });
  if (settings.targetRows === undefined) result.curation = await curate();
  else {
    const extend = async (maxSamples: number) => {
      const extended = await runOnEndpoint({ ...run, resume: true, config: { ...config, maxSamples } });
      return extended.summary.status;
    };
    result.target = await reachTargetRows({
      folder: result.dir,
      targetRows: settings.targetRows,
      maxBudgetFactor: settings.maxBudgetFactor,
      synthesize: extend,
      curate,
    });
    result.curation = result.target.curation;
  }
  if (exportFormat) result.exported = await exportDataset({ source: result.dir, format: exportFormat });
  return result;
}
