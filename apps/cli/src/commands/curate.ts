import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readRunManifest } from '@treesynth/core';
import { readJsonFile } from '@treesynth/core/internal';
import {
  answerSettingsSchema,
  type CurateResult,
  type CurationConfigInput,
  curateRun,
  curationConfigSchema,
  decontaminateSettingsSchema,
  dedupSettingsSchema,
  hasCurationSteps,
  judgeSettingsSchema,
  mergeCurationConfig,
  readCurationSummary,
  verifySettingsSchema,
} from '@treesynth/curate';
import { callStackOptionsSchema, createModelStack, resolveBaseURLs } from '@treesynth/providers';
import { defineCommand, type OptionSpec, type ParsedValues, stringOption } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
import { schemaNumber, schemaOption } from '../schema-options.js';

const DEDUP = dedupSettingsSchema.shape;
const DECONTAMINATE = decontaminateSettingsSchema.shape;
const ANSWER = answerSettingsSchema.shape;
const VERIFY = verifySettingsSchema.shape;
const JUDGE = judgeSettingsSchema.shape;

/** The curation flags of `run` and `curate`: the common cases of the config's `curation` key. */
export const CURATION_OPTIONS = {
  dedup: { type: 'boolean', description: 'remove exact and MinHash near-duplicate rows (smallest id kept)' },
  'dedup-threshold': schemaOption(DEDUP.threshold, { value: '<jaccard>' }),
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
  if (values.dedup === true || dedupThreshold !== undefined)
    flags.dedup = defined({ threshold: dedupThreshold });
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
  return flags as CurationConfigInput;
}

/** The settings: the folder's last curation, under the config file's `curation` key, under the flags. */
export function curationSettings(folder: string, values: ParsedValues): CurationConfigInput {
  const configFile = stringOption(values, 'config');
  const fromFile = configFile
    ? ((readJsonFile(configFile, 'config file') as { curation?: CurationConfigInput }).curation ?? undefined)
    : undefined;
  const stored = readCurationSummary(folder)?.config as CurationConfigInput | undefined;
  return mergeCurationConfig(stored, fromFile, curationFlags(values));
}

/** Whether the run's flags, config file or last curation ask for any curation step. */
export function wantsCuration(folder: string, values: ParsedValues): boolean {
  return hasCurationSteps(curationSettings(folder, values));
}

/** Curate a finished run folder with the run's endpoint and response cache (`<run>/cache`). */
export async function curateFolder(
  folder: string,
  values: ParsedValues,
  signal: AbortSignal,
): Promise<CurateResult> {
  const manifest = readRunManifest(join(folder, 'run.json'));
  const modelId = stringOption(values, 'model') ?? manifest.model.modelId;
  const given = values['base-url'];
  const baseURLs = resolveBaseURLs(
    { baseURLs: Array.isArray(given) ? given : typeof given === 'string' ? [given] : undefined },
    manifest.model.baseURL,
  );
  const stack = (id: string) =>
    createModelStack({
      modelId: id,
      baseURLs,
      signal,
      ...(values['no-cache'] === true ? {} : { cacheDir: join(folder, 'cache') }),
      timeoutMs: schemaNumber(values, 'timeout-ms', callStackOptionsSchema.shape.timeoutMs),
      limitNames: { requestsPerMinute: '--rpm', tokensPerMinute: '--tpm' },
    });
  return curateRun({
    folder,
    curation: curationSettings(folder, values),
    model: await stack(modelId),
    modelFor: stack,
    signal,
  }).catch((error: unknown) => {
    throw renameCurationPath(error);
  });
}

/** A curateRun ConfigError on a setting a flag fills, re-worded to name the flag. */
function renameCurationPath(error: unknown): unknown {
  if (!(error instanceof ConfigError)) return error;
  const flag = CURATION_FLAG_PATHS[error.path];
  return flag
    ? new ConfigError({ path: flag, message: error.message.slice(error.path.length + 2), cause: error })
    : error;
}

/** Curation settings as curateRun's errors name them, and the flags that set them. */
const CURATION_FLAG_PATHS: Record<string, string> = {
  'curation.dedup.threshold': '--dedup-threshold',
  'curation.decontaminate.ngramSize': '--ngram-size',
  'curation.answer.model': '--answer-model',
  'curation.answer.temperature': '--answer-temperature',
  'curation.verify.samples': '--verify',
  'curation.verify.minAgreement': '--min-agreement',
  'curation.judge.threshold': '--judge-threshold',
  'curation.concurrency': '--curate-concurrency',
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
