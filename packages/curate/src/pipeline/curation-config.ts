import { z } from 'zod';
import { decontaminateSettingsSchema, dedupSettingsSchema } from '../steps/filter-steps.js';
import { stepModuleSettingsSchema } from './step-modules.js';

const temperature = z.number().min(0).max(2);
const namedLine = z
  .object({ name: z.string().regex(/^[a-z][a-z0-9_]*$/), description: z.string().min(1) })
  .strict();

/** Answer: write each row's answer fields (docs/curate.md). */
export const answerSettingsSchema = z
  .object({
    /** A model id at the run's endpoint; default: the run's model. */
    model: z.string().min(1).optional().describe('model that writes the answers (default: the run model)'),
    temperature: temperature.default(0.7).describe('temperature of the answer calls'),
  })
  .strict();

/** Verify: self-consistency for tasks with a final answer, the sandbox for code. */
export const verifySettingsSchema = z
  .object({
    samples: z
      .number()
      .int()
      .min(1)
      .max(64)
      .default(5)
      .describe('answers sampled per row for self-consistency voting'),
    minAgreement: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('share of votes the majority answer needs for the row to stay'),
    temperature: temperature.default(0.8).describe('temperature of the voting answers'),
    /**
     * Code: also run the row's solution and `samples` more against all their tests pooled, CodeT-style,
     * keeping the solution that passes most (docs/curate.md).
     */
    crossTests: z.boolean().default(false).describe('code: cross-test solutions against each other’s tests'),
    /** Wall-clock limit of one code row's tests in the sandbox. */
    timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  })
  .strict();

export const DEFAULT_JUDGE_CRITERIA = [
  { name: 'correctness', description: 'the answer is right and follows from the sample' },
  { name: 'clarity', description: 'the sample and its answer are clear and self-contained' },
  { name: 'usefulness', description: 'the pair would teach a model something worth learning for the task' },
];

/** Judge: an LLM scores each row 1-5 per criterion; rows whose mean is below the threshold go. */
export const judgeSettingsSchema = z
  .object({
    model: z.string().min(1).optional().describe('model that judges (default: the run model)'),
    temperature: temperature.default(0),
    criteria: z.array(namedLine).min(1).max(20).default(DEFAULT_JUDGE_CRITERIA),
    threshold: z.number().min(1).max(5).default(3).describe('lowest mean judge score a row may have'),
  })
  .strict();

/**
 * The `curation` key of a run config: each step present runs, in the order dedup, decontaminate, the
 * user `steps`, answer, verify, judge. An absent step does not run.
 */
export const curationConfigSchema = z
  .object({
    dedup: dedupSettingsSchema.optional(),
    decontaminate: decontaminateSettingsSchema.optional(),
    /** User steps, each `{ module, ...settings }` (docs/curate.md), run after the filters, before answer. */
    steps: z.array(stepModuleSettingsSchema).optional(),
    answer: answerSettingsSchema.optional(),
    verify: verifySettingsSchema.optional(),
    judge: judgeSettingsSchema.optional(),
    /** Model calls in flight at once. */
    concurrency: z.number().int().min(1).max(4096).default(16).describe('curation calls in flight at once'),
    /** Final rows wanted: `treesynth run` tops the run up until curation leaves this many (docs/curate.md). */
    targetRows: z.number().int().min(1).optional().describe('final rows wanted after curation'),
    /** The most the sample budget may grow to for `targetRows`, as a multiple of the budget before. */
    maxBudgetFactor: z
      .number()
      .min(1)
      .max(1000)
      .optional()
      .describe('cap of the top-ups for targetRows: a multiple of the sample budget before them (default 2)'),
  })
  .strict();

export type CurationConfig = z.output<typeof curationConfigSchema>;
export type CurationConfigInput = z.input<typeof curationConfigSchema>;
export type AnswerSettings = z.output<typeof answerSettingsSchema>;
export type VerifySettings = z.output<typeof verifySettingsSchema>;
export type JudgeSettings = z.output<typeof judgeSettingsSchema>;

/** Whether a config asks for any step. */
export function hasCurationSteps(config: CurationConfigInput | undefined): boolean {
  return (
    config !== undefined &&
    ['dedup', 'decontaminate', 'steps', 'answer', 'verify', 'judge', 'targetRows'].some(
      (step) => step in config,
    )
  );
}

/**
 * Layers of curation settings merged in order, each step's settings over the earlier ones (the
 * stored run's, the config file's `curation` key, then flags), nested settings (`dedup.embedding`)
 * key by key; a list (`steps`) replaces the earlier one. A step absent from every layer is off.
 */
export function mergeCurationConfig(...layers: (CurationConfigInput | undefined)[]): CurationConfigInput {
  return layers.reduce<Record<string, unknown>>(
    (merged, layer) => (layer ? mergeObjects(merged, layer) : merged),
    {},
  ) as CurationConfigInput;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function mergeObjects(earlier: Record<string, unknown>, later: object): Record<string, unknown> {
  const merged = { ...earlier };
  for (const [key, value] of Object.entries(later)) {
    if (value === undefined) continue;
    const before = merged[key];
    merged[key] = isPlainObject(value) && isPlainObject(before) ? mergeObjects(before, value) : value;
  }
  return merged;
}
