import { z } from 'zod';

const temperature = (fallback: number) =>
  z.number().min(0).max(2).default(fallback).describe(`sampling temperature (default ${fallback})`);
const seedsFile = z
  .string()
  .min(1)
  .optional()
  .describe('seed file (JSONL, or a .json array of objects): evol instructions, persona seed texts');
const seedField = z
  .string()
  .min(1)
  .optional()
  .describe('field of each seed row to read (default: guessed, e.g. question, text)');

/**
 * How a run makes its dataset (docs/baselines.md): TreeSynth, or one of the paper's baselines. Absent
 * means TreeSynth; the baselines are implemented by `@treesynth/baselines`, core only checks the settings.
 */
export const methodConfigSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('treesynth') }).strict(),
  /** The task prompt alone, no subspace constraints, many calls at a high temperature. */
  z.object({ name: z.literal('temperature'), temperature: temperature(1.0) }).strict(),
  /** Evol-Instruct: in-depth and in-breadth evolution of seed instructions over generations. */
  z
    .object({
      name: z.literal('evol'),
      seeds: seedsFile,
      seedField,
      generations: z.number().int().min(1).max(20).default(4).describe('evolution rounds over the pool'),
      /** Share of evolution steps that are in-breadth (a new instruction in the same domain). */
      breadthShare: z.number().min(0).max(1).default(0.2),
      temperature: temperature(0.7),
    })
    .strict(),
  /** Persona Hub: one problem per persona, personas from a file or made from seed texts by the model. */
  z
    .object({
      name: z.literal('persona'),
      personas: z
        .string()
        .min(1)
        .optional()
        .describe('persona file: JSONL, one {"persona": "..."} a line (Persona Hub format)'),
      seeds: seedsFile,
      seedField,
      /** Text-to-persona: personas asked for per seed text. */
      personasPerText: z.number().int().min(1).max(50).default(5),
      temperature: temperature(1.0),
    })
    .strict(),
]);

export type MethodConfig = z.output<typeof methodConfigSchema>;
export type MethodConfigInput = z.input<typeof methodConfigSchema>;
export type MethodName = MethodConfig['name'];
export const METHOD_NAMES = ['treesynth', 'temperature', 'evol', 'persona'] as const;

/**
 * An experiment of the paper (benchmarks/paper/): the methods compared at one data size, and the
 * scaling points. Read by `treesynth experiment`; a plain run ignores it.
 */
export const experimentConfigSchema = z
  .object({
    name: z.string().min(1),
    /** The task: a built-in name (gsm8k, math, code, tom) or a task JSON file. */
    task: z.string().min(1),
    /** The benchmark the fine-tuned model is scored on (e.g. gsm8k, math, mbpp, humaneval, simpletom). */
    benchmarks: z.array(z.string().min(1)).min(1),
    methods: z.array(methodConfigSchema).min(1),
    /** Rows per method at the paper's main size (the human set's size). */
    dataSize: z.number().int().min(1),
    /** Further sizes of the scaling study. */
    scaling: z.array(z.number().int().min(1)).default([]),
    /** Free text: where the settings come from (the paper's section or table). */
    notes: z.string().optional(),
  })
  .strict();

export type ExperimentConfig = z.output<typeof experimentConfigSchema>;

/** The method a config asks for; TreeSynth when it names none. */
export function methodOf(config: { method?: MethodConfig | undefined }): MethodConfig {
  return config.method ?? { name: 'treesynth' };
}

/** A method's settings over another's: merged when both name the same method (or the later names none). */
export function mergeMethod(
  ...layers: (Partial<MethodConfigInput> | undefined)[]
): MethodConfigInput | undefined {
  let merged: Partial<MethodConfigInput> | undefined;
  for (const layer of layers) {
    if (!layer) continue;
    merged =
      merged && (layer.name === undefined || layer.name === merged.name)
        ? ({ ...merged, ...layer } as Partial<MethodConfigInput>)
        : layer;
  }
  return merged as MethodConfigInput | undefined;
}

/** A setting the method named does not take (e.g. seeds for temperature sampling), or undefined. */
export function foreignMethodSetting(method: Partial<MethodConfigInput> | undefined): string | undefined {
  const variant = methodConfigSchema.options.find((option) => option.shape.name.value === method?.name);
  if (!method || !variant) return undefined;
  return Object.keys(method).find((key) => !(key in variant.shape));
}
