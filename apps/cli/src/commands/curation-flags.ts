import { curationConfigSchema } from '@treesynth/curate';
import { embedderSpecOptionsSchema } from '@treesynth/providers';
import type { OptionSpec } from '../command.js';
import { schemaFlags } from '../flags.js';

/** A step's flag: turns the step on (`curation.<step>`); the flags of its settings also do. */
const step = (option: string, description: string): OptionSpec => ({
  type: 'boolean',
  option: `curation.${option}`,
  turnsOn: true,
  description,
});
const { embedder } = embedderSpecOptionsSchema.shape;

/** The curation flags of `run` and `curate`: the common cases of the config's `curation` key. */
export const CURATION_OPTIONS = {
  dedup: step('dedup', 'remove exact and MinHash near-duplicate rows (smallest id kept)'),
  ...schemaFlags(
    curationConfigSchema.shape,
    {
      'dedup-threshold': { value: '<jaccard>', option: 'dedup.threshold' },
      'dedup-embedding-threshold': {
        value: '<cosine>',
        option: 'dedup.embedding.threshold',
        description:
          'dedup also removes rows whose embeddings’ cosine similarity is at least this (see --embedder)',
        default: undefined,
      },
      embedder: {
        value: '<spec>',
        option: 'dedup.embedding.embedder',
        description: `embedder of the embedding dedup: ${embedder.description?.replace(/^the embedder: /, '')}`,
        default: String(embedder.parse(undefined)),
      },
    },
    'curation',
  ),
  decontaminate: step(
    'decontaminate',
    'remove rows sharing an n-gram with the GSM8K, MATH-500, HumanEval or MBPP test sets',
  ),
  ...schemaFlags(
    curationConfigSchema.shape,
    {
      'ngram-size': { option: 'decontaminate.ngramSize' },
      'decontaminate-file': {
        type: 'string',
        value: '<file>',
        option: 'decontaminate.files',
        description: 'a JSONL/JSON/CSV file the rows must not overlap either (repeatable)',
      },
    },
    'curation',
  ),
  answer: step('answer', 'write each row’s answer (solution, final answer, tests)'),
  ...schemaFlags(
    curationConfigSchema.shape,
    {
      'answer-model': { value: '<id>', option: 'answer.model' },
      'answer-temperature': { option: 'answer.temperature' },
      verify: {
        option: 'verify.samples',
        description: 'verify answers: N self-consistency votes (gsm8k, math), the sandbox for code',
        default: undefined,
      },
      'min-agreement': { value: '<rate>', option: 'verify.minAgreement' },
      'cross-tests': { option: 'verify.crossTests', default: undefined },
    },
    'curation',
  ),
  judge: step('judge', 'score each row 1-5 on a rubric with the model; drop weak rows'),
  ...schemaFlags(
    curationConfigSchema.shape,
    {
      'judge-threshold': { option: 'judge.threshold' },
      'curate-concurrency': { option: 'concurrency' },
      'target-rows': {
        option: 'targetRows',
        description:
          'final rows wanted after curation: run tops the run up until curation leaves N (extras trimmed by id)',
      },
      'max-budget-factor': { value: '<x>', option: 'maxBudgetFactor' },
    },
    'curation',
  ),
} satisfies Record<string, OptionSpec>;
