import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readRunManifest } from '@treesynth/core';
import { parseOptions, readJsonFile } from '@treesynth/core/internal';
import {
  type CurateResult,
  type CurationConfigInput,
  curateRun,
  curationConfigSchema,
  type ExportResult,
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
  callStackOptionsSchema,
  createModelStack,
  DEFAULT_OPENAI_BASE_URL,
  embedderSource,
  resolveBaseURLs,
} from '@treesynth/providers';
import { defineCommand, type ParsedValues, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printResult, runJob } from '../job.js';
import { withFlags } from '../option-flags.js';
import { schemaNumber, schemaOption } from '../schema-options.js';
import { CURATION_FLAG_PATHS, CURATION_OPTIONS, curationFlags } from './curation-flags.js';

export { CURATION_OPTIONS } from './curation-flags.js';

/** The config file's `curation` key, its user step modules made absolute (curation.json keeps them so). */
function curationFromFile(values: ParsedValues): CurationConfigInput | undefined {
  const configFile = stringOption(values, 'config');
  if (!configFile) return undefined;
  // A file that is not an object is the run's to refuse, with its own one-line error.
  const file = readJsonFile(configFile, 'config file') as { curation?: CurationConfigInput } | null;
  const curation = typeof file === 'object' && file !== null ? file.curation : undefined;
  return curation && resolveStepModules(curation, configFile);
}

/** The settings: the folder's last curation, under the config file's `curation` key, under the flags. */
export function curationSettings(folder: string, values: ParsedValues): CurationConfigInput {
  const stored = readCurationSummary(folder)?.config as CurationConfigInput | undefined;
  return mergeCurationConfig(stored, curationFromFile(values), curationFlags(values));
}

/**
 * Curation after a finished run (with `targetRows`, top-ups through `extend`, a resume of the run
 * with a larger budget that returns its status): its result, or undefined when nothing was asked for.
 */
export type CurateStep = (
  folder: string,
  signal: AbortSignal,
  extend: (maxSamples: number) => Promise<string>,
) => Promise<{ curated: CurateResult; target?: TargetResult; exported?: ExportResult } | undefined>;

/**
 * The sample budget of a run folder topped up for a target size (it has target.json), which a resume
 * giving the first command's smaller --max-samples keeps; undefined for any other folder.
 */
export function storedBudget(folder: string): number | undefined {
  if (!existsSync(join(folder, TARGET_FILE)) || !existsSync(join(folder, 'run.json'))) return undefined;
  return readRunManifest(join(folder, 'run.json')).config.maxSamples ?? undefined;
}

/** `run`'s curation: none, a curation, or curations with top-ups until `targetRows` rows are left. */
export async function runCuration(values: ParsedValues): Promise<CurateStep> {
  // The flags and the user step modules are checked now, before the run: a bad one is an error
  // before anything is paid for.
  parseOptions(
    curationConfigSchema,
    curationFlags(values),
    (path) => CURATION_FLAG_PATHS[`curation.${path}`] ?? path,
  );
  const steps = curationFromFile(values)?.steps;
  if (steps)
    await loadStepModules(
      parseOptions(curationConfigSchema, { steps }, (path) => `curation.${path}`).steps ?? [],
    );
  return async (folder, signal, extend) => {
    const settings = curationSettings(folder, values);
    if (!hasCurationSteps(settings)) return undefined;
    const curate = () => curateFolder(folder, values, signal);
    if (settings.targetRows === undefined) return { curated: await curate() };
    const target = await reachTargetRows({
      folder,
      targetRows: settings.targetRows,
      maxBudgetFactor: settings.maxBudgetFactor,
      synthesize: extend,
      curate,
    });
    return { curated: target.curation, target };
  };
}

/** Where the export went, and its rows per split. */
export function formatExport(exported: ExportResult): string {
  const splits = exported.splits.map((split) => `${split.name} ${split.rows}`).join(', ');
  return `export (${exported.format}): ${exported.out} (${splits} rows)\n`;
}

/** The target line: reached, or why not and how to go on. */
export function formatTarget(target: TargetResult): string {
  const budget = `sample budget ${target.initialBudget ?? 'unlimited'} → ${target.budget ?? 'unlimited'} (cap ${target.cap ?? '-'})`;
  return target.reached
    ? `target ${target.targetRows} rows reached: ${budget}, ${target.rounds} top-up(s) in this process\n`
    : `target ${target.targetRows} rows NOT reached (${target.stopped}): ${target.curation.rows} rows, ${budget}; raise --max-budget-factor or the tree (--depth) and resume\n`;
}

/** Curate a finished run folder with the run's endpoint and response cache (`<run>/cache`). */
export async function curateFolder(
  folder: string,
  values: ParsedValues,
  signal: AbortSignal,
): Promise<CurateResult> {
  const manifest = readRunManifest(join(folder, 'run.json'));
  const modelId = stringOption(values, 'model') ?? manifest.model.modelId;
  const baseURLs = resolveBaseURLs(
    { baseURLs: Array.isArray(values['base-url']) ? values['base-url'] : undefined },
    manifest.model.baseURL ?? DEFAULT_OPENAI_BASE_URL,
  );
  const apiKey = process.env.OPENAI_API_KEY || undefined;
  const stack = (id: string) =>
    createModelStack({
      modelId: id,
      baseURLs,
      apiKey,
      signal,
      ...(values['no-cache'] === true ? {} : { cacheDir: join(folder, 'cache') }),
      timeoutMs: schemaNumber(values, 'timeout-ms', callStackOptionsSchema.shape.timeoutMs),
    });
  return curateRun({
    folder,
    curation: curationSettings(folder, values),
    model: await stack(modelId),
    modelFor: stack,
    embedderFor: (spec) =>
      embedderSource(spec).create(
        values['no-cache'] === true ? {} : { cacheDir: join(folder, 'cache', 'embeddings') },
      ),
    signal,
  }).catch((error: unknown) => {
    throw withFlags(error, { options: CURATION_OPTIONS, names: CURATION_FLAG_PATHS });
  });
}

/** One line per step: rows in and out, removals by reason, calls. */
export function formatCuration(result: CurateResult): string {
  const lines = result.summary.steps.map((step) => {
    const removed = Object.entries(step.removed ?? {})
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ');
    return `  ${step.step.padEnd(13)} ${step.rowsIn} → ${step.rowsOut}${removed ? ` (removed: ${removed})` : ''}, ${step.calls ?? 0} calls paid, ${step.cachedCalls ?? 0} cached, ${step.seconds ?? 0}s`;
  });
  return `curation of ${result.folder}: ${result.rows} rows in curated.jsonl\n${lines.join('\n')}\n`;
}

export const curateCommand = defineCommand({
  name: 'curate',
  summary:
    'Deduplicate, decontaminate, answer, verify and judge the rows of a finished run (curated.jsonl, removed.jsonl, curation.json).',
  usage: 'treesynth curate <run> [--dedup] [--decontaminate] [--answer] [--verify N] [--judge] [options]',
  options: {
    ...CURATION_OPTIONS,
    config: {
      type: 'string',
      value: '<file>',
      description: 'run config JSON whose `curation` key sets the steps',
    },
    model: { type: 'string', value: '<id>', description: 'model id at the endpoint (default: the run’s)' },
    'base-url': {
      type: 'string',
      multiple: true,
      value: '<url>',
      description: 'OpenAI-compatible endpoint (default: $OPENAI_BASE_URL or the run’s)',
    },
    'timeout-ms': schemaOption(callStackOptionsSchema.shape.timeoutMs, { value: '<ms>' }),
    'no-cache': { type: 'boolean', description: 'do not keep model answers in <run>/cache' },
    json: { type: 'boolean', description: 'print curation.json on stdout' },
  },
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
    if (!hasCurationSteps(curationSettings(folder, values)))
      throw new ConfigError({
        path: '--answer',
        message:
          'no curation step asked for: give --dedup, --decontaminate, --answer, --verify N, --judge or a config with `curation`',
      });
    const result = await runJob(values, 'treesynth curate', ({ signal }) =>
      curateFolder(folder, values, signal),
    );
    printResult(values, result.summary, () => formatCuration(result));
    return EXIT.ok;
  },
});
