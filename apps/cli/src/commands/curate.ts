import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readRunManifest } from '@treesynth/core';
import { parseOptions, readJsonFile } from '@treesynth/core/internal';
import {
  answerSettingsSchema,
  type CurateResult,
  type CurationConfigInput,
  curateRun,
  curationConfigSchema,
  decontaminateSettingsSchema,
  dedupSettingsSchema,
  type ExportResult,
  embeddingDedupSettingsSchema,
  hasCurationSteps,
  judgeSettingsSchema,
  loadStepModules,
  mergeCurationConfig,
  reachTargetRows,
  readCurationSummary,
  resolveStepModules,
  TARGET_FILE,
  type TargetResult,
  verifySettingsSchema,
} from '@treesynth/curate';
import {
  callStackOptionsSchema,
  createModelStack,
  DEFAULT_OPENAI_BASE_URL,
  embedderSource,
  embedderSpecOptionsSchema,
  resolveBaseURLs,
} from '@treesynth/providers';
import { defineCommand, numberOption, type OptionSpec, type ParsedValues, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
import { withFlags } from '../option-flags.js';
import { schemaNumber, schemaOption } from '../schema-options.js';

const DEDUP = dedupSettingsSchema.shape;
const EMBEDDING = embeddingDedupSettingsSchema.shape;
const DECONTAMINATE = decontaminateSettingsSchema.shape;
const ANSWER = answerSettingsSchema.shape;
const VERIFY = verifySettingsSchema.shape;
const JUDGE = judgeSettingsSchema.shape;

/** The curation flags of `run` and `curate`: the common cases of the config's `curation` key. */
export const CURATION_OPTIONS = {
  dedup: { type: 'boolean', description: 'remove exact and MinHash near-duplicate rows (smallest id kept)' },
  'dedup-threshold': schemaOption(DEDUP.threshold, { value: '<jaccard>' }),
  'dedup-embedding-threshold': schemaOption(EMBEDDING.threshold, {
    value: '<cosine>',
    description:
      'dedup also removes rows whose embeddings’ cosine similarity is at least this (see --embedder)',
    default: undefined,
  }),
  embedder: schemaOption(embedderSpecOptionsSchema.shape.embedder, {
    value: '<spec>',
    description: `embedder of the embedding dedup: ${embedderSpecOptionsSchema.shape.embedder.description?.replace(/^the embedder: /, '')}`,
  }),
  decontaminate: {
    type: 'boolean',
    description: 'remove rows sharing an n-gram with the GSM8K, MATH-500, HumanEval or MBPP test sets',
  },
  'ngram-size': schemaOption(DECONTAMINATE.ngramSize),
  'decontaminate-file': {
    type: 'string',
    multiple: true,
    value: '<file>',
    description: 'a JSONL/JSON/CSV file the rows must not overlap either (repeatable)',
  },
  answer: { type: 'boolean', description: 'write each row’s answer (solution, final answer, tests)' },
  'answer-model': schemaOption(ANSWER.model, { value: '<id>' }),
  'answer-temperature': schemaOption(ANSWER.temperature),
  verify: schemaOption(VERIFY.samples, {
    description: 'verify answers: N self-consistency votes (gsm8k, math), the sandbox for code',
    default: undefined,
  }),
  'min-agreement': schemaOption(VERIFY.minAgreement, { value: '<rate>' }),
  'cross-tests': schemaOption(VERIFY.crossTests, { default: undefined }),
  judge: { type: 'boolean', description: 'score each row 1-5 on a rubric with the model; drop weak rows' },
  'judge-threshold': schemaOption(JUDGE.threshold),
  'curate-concurrency': schemaOption(curationConfigSchema.shape.concurrency),
  'target-rows': schemaOption(curationConfigSchema.shape.targetRows, {
    description:
      'final rows wanted after curation: run tops the run up until curation leaves N (extras trimmed by id)',
  }),
  'max-budget-factor': schemaOption(curationConfigSchema.shape.maxBudgetFactor, { value: '<x>' }),
} satisfies Record<string, OptionSpec>;

/** The curation settings the flags ask for (steps the flags do not name are absent). */
function curationFlags(values: ParsedValues): CurationConfigInput {
  const samples = schemaNumber(values, 'verify', VERIFY.samples);
  const minAgreement = schemaNumber(values, 'min-agreement', VERIFY.minAgreement);
  const answerModel = stringOption(values, 'answer-model');
  const answerTemperature = schemaNumber(values, 'answer-temperature', ANSWER.temperature);
  const threshold = schemaNumber(values, 'judge-threshold', JUDGE.threshold);
  const concurrency = schemaNumber(values, 'curate-concurrency', curationConfigSchema.shape.concurrency);
  const defined = <T extends object>(object: T) =>
    Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
  const flags: Record<string, unknown> = {};
  const dedupThreshold = schemaNumber(values, 'dedup-threshold', DEDUP.threshold);
  const embeddingThreshold = numberOption(values, 'dedup-embedding-threshold');
  const embedder = stringOption(values, 'embedder');
  const embedding =
    embeddingThreshold !== undefined || embedder !== undefined
      ? defined({ embedder, threshold: embeddingThreshold })
      : undefined;
  if (values.dedup === true || dedupThreshold !== undefined || embedding)
    flags.dedup = defined({ threshold: dedupThreshold, embedding });
  const ngramSize = schemaNumber(values, 'ngram-size', DECONTAMINATE.ngramSize);
  const files = Array.isArray(values['decontaminate-file'])
    ? values['decontaminate-file'].map((path) => ({ path }))
    : undefined;
  if (values.decontaminate === true || ngramSize !== undefined || files)
    flags.decontaminate = defined({ ngramSize, files });
  const answer = defined({ model: answerModel, temperature: answerTemperature });
  if (values.answer === true || Object.keys(answer).length > 0) flags.answer = answer;
  const verify = defined({ samples, minAgreement, crossTests: values['cross-tests'] === true || undefined });
  if (Object.keys(verify).length > 0) flags.verify = verify;
  if (values.judge === true || threshold !== undefined) flags.judge = defined({ threshold });
  if (concurrency !== undefined) flags.concurrency = concurrency;
  flags.targetRows = schemaNumber(values, 'target-rows', curationConfigSchema.shape.targetRows);
  flags.maxBudgetFactor = schemaNumber(
    values,
    'max-budget-factor',
    curationConfigSchema.shape.maxBudgetFactor,
  );
  return flags as CurationConfigInput;
}

/** The config file's `curation` key, its user step modules made absolute (curation.json keeps them so). */
function curationFromFile(values: ParsedValues): CurationConfigInput | undefined {
  const configFile = stringOption(values, 'config');
  if (!configFile) return undefined;
  const { curation } = readJsonFile(configFile, 'config file') as { curation?: CurationConfigInput };
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

/** Curation settings as curateRun's errors name them, and the flags that set them. */
const CURATION_FLAG_PATHS: Record<string, string> = {
  'curation.dedup.threshold': '--dedup-threshold',
  'curation.dedup.embedding.threshold': '--dedup-embedding-threshold',
  'curation.dedup.embedding.embedder': '--embedder',
  'curation.decontaminate.ngramSize': '--ngram-size',
  'curation.answer.model': '--answer-model',
  'curation.answer.temperature': '--answer-temperature',
  'curation.verify.samples': '--verify',
  'curation.verify.minAgreement': '--min-agreement',
  'curation.judge.threshold': '--judge-threshold',
  'curation.concurrency': '--curate-concurrency',
  'curation.targetRows': '--target-rows',
  'curation.maxBudgetFactor': '--max-budget-factor',
  targetRows: '--target-rows',
  maxBudgetFactor: '--max-budget-factor',
  baseURLs: '--base-url',
};

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
    'Steps run in order (dedup, decontaminate, answer, verify, judge) on the run folder; each row’s outcome is logged in',
    'curation/<step>.jsonl as it finishes, so a killed curation resumes where it stopped, and every call',
    'goes through the run’s response cache. Rerunning with the same settings redoes nothing; a changed',
    'setting redoes that step and the ones after it. The last settings are kept in curation.json.',
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
    const interrupt = interruptSignal();
    try {
      const result = await curateFolder(folder, values, interrupt.signal);
      process.stdout.write(
        values.json === true ? `${JSON.stringify(result.summary, null, 2)}\n` : formatCuration(result),
      );
      return EXIT.ok;
    } finally {
      interrupt.dispose();
    }
  },
});
