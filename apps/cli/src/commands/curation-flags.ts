import {
  answerSettingsSchema,
  type CurationConfigInput,
  curationConfigSchema,
  decontaminateSettingsSchema,
  dedupSettingsSchema,
  embeddingDedupSettingsSchema,
  judgeSettingsSchema,
  verifySettingsSchema,
} from '@treesynth/curate';
import { embedderSpecOptionsSchema } from '@treesynth/providers';
import { numberOption, type OptionSpec, type ParsedValues, stringOption } from '../command.js';
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
export function curationFlags(values: ParsedValues): CurationConfigInput {
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

/** Curation settings as curateRun's errors name them, and the flags that set them. */
export const CURATION_FLAG_PATHS: Record<string, string> = {
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
