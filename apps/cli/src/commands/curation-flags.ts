import {
  answerSettingsSchema,
  curationConfigSchema,
  decontaminateSettingsSchema,
  dedupSettingsSchema,
  embeddingDedupSettingsSchema,
  judgeSettingsSchema,
  verifySettingsSchema,
} from '@treesynth/curate';
import { embedderSpecOptionsSchema } from '@treesynth/providers';
import type { OptionSpec } from '../command.js';
import { schemaOption } from '../schema-options.js';

const VERIFY = verifySettingsSchema.shape;
const CURATION = curationConfigSchema.shape;
/** A step's flag: turns the step on (`curation.<step>`); the flags of its settings also do. */
const step = (option: string, description: string): OptionSpec => ({
  type: 'boolean',
  option: `curation.${option}`,
  turnsOn: true,
  description,
});

/** The curation flags of `run` and `curate`: the common cases of the config's `curation` key. */
export const CURATION_OPTIONS = {
  dedup: step('dedup', 'remove exact and MinHash near-duplicate rows (smallest id kept)'),
  'dedup-threshold': schemaOption(dedupSettingsSchema.shape.threshold, {
    value: '<jaccard>',
    option: 'curation.dedup.threshold',
  }),
  'dedup-embedding-threshold': schemaOption(embeddingDedupSettingsSchema.shape.threshold, {
    value: '<cosine>',
    option: 'curation.dedup.embedding.threshold',
    description:
      'dedup also removes rows whose embeddings’ cosine similarity is at least this (see --embedder)',
    default: undefined,
  }),
  embedder: schemaOption(embedderSpecOptionsSchema.shape.embedder, {
    value: '<spec>',
    option: 'curation.dedup.embedding.embedder',
    description: `embedder of the embedding dedup: ${embedderSpecOptionsSchema.shape.embedder.description?.replace(/^the embedder: /, '')}`,
  }),
  decontaminate: step(
    'decontaminate',
    'remove rows sharing an n-gram with the GSM8K, MATH-500, HumanEval or MBPP test sets',
  ),
  'ngram-size': schemaOption(decontaminateSettingsSchema.shape.ngramSize, {
    option: 'curation.decontaminate.ngramSize',
  }),
  'decontaminate-file': {
    type: 'string',
    multiple: true,
    value: '<file>',
    option: 'curation.decontaminate.files',
    description: 'a JSONL/JSON/CSV file the rows must not overlap either (repeatable)',
  },
  answer: step('answer', 'write each row’s answer (solution, final answer, tests)'),
  'answer-model': schemaOption(answerSettingsSchema.shape.model, {
    value: '<id>',
    option: 'curation.answer.model',
  }),
  'answer-temperature': schemaOption(answerSettingsSchema.shape.temperature, {
    option: 'curation.answer.temperature',
  }),
  verify: schemaOption(VERIFY.samples, {
    option: 'curation.verify.samples',
    description: 'verify answers: N self-consistency votes (gsm8k, math), the sandbox for code',
    default: undefined,
  }),
  'min-agreement': schemaOption(VERIFY.minAgreement, {
    value: '<rate>',
    option: 'curation.verify.minAgreement',
  }),
  'cross-tests': schemaOption(VERIFY.crossTests, {
    option: 'curation.verify.crossTests',
    default: undefined,
  }),
  judge: step('judge', 'score each row 1-5 on a rubric with the model; drop weak rows'),
  'judge-threshold': schemaOption(judgeSettingsSchema.shape.threshold, {
    option: 'curation.judge.threshold',
  }),
  'curate-concurrency': schemaOption(CURATION.concurrency, { option: 'curation.concurrency' }),
  'target-rows': schemaOption(CURATION.targetRows, {
    option: 'curation.targetRows',
    description:
      'final rows wanted after curation: run tops the run up until curation leaves N (extras trimmed by id)',
  }),
  'max-budget-factor': schemaOption(CURATION.maxBudgetFactor, {
    value: '<x>',
    option: 'curation.maxBudgetFactor',
  }),
} satisfies Record<string, OptionSpec>;
