import { z } from 'zod';
import { experimentConfigSchema, methodConfigSchema } from './method-config.js';
import { parseOptions, pathUnder } from './parse-options.js';

/** The largest dataset one run may be asked for. */
const MAX_SAMPLES = 100_000_000;

/** Stage one: how the tree is built (docs/architecture.md, "From a task to a dataset"). Defaults follow the reference implementation. */
export const treeConfigSchema = z
  .object({
    depth: z.number().int().min(0).max(10).default(4).describe('partition levels below the root'),
    pivots: z.number().int().min(2).max(100).default(10).describe('pivot samples per node'),
    pivotTemperature: z.number().min(0).max(2).default(0.7),
    criterionTemperature: z.number().min(0).max(2).default(1.0),
    /** Criterion answers tried before a node gives up and becomes a leaf. */
    criterionAttempts: z.number().int().min(1).max(20).default(5),
    coverageTemperature: z.number().min(0).max(2).default(0.7),
    /** A dimension with this many values or more becomes one infinite child. */
    coverageCap: z.number().int().min(2).max(1000).default(50),
    /** Coverage questions asked at most for one dimension. */
    coverageRounds: z.number().int().min(1).max(50).default(5),
  })
  .strict();

/** Stage two: how leaves are sampled (docs/architecture.md, "From a task to a dataset"). */
export const synthesisConfigSchema = z
  .object({
    samplesPerCall: z
      .number()
      .int()
      .min(1)
      .max(100)
      .default(10)
      .describe('samples asked for in one leaf call'),
    temperature: z.number().min(0).max(2).default(1.0),
    /** A leaf under k infinite nodes gets base^k calls. */
    infiniteMultiplierBase: z.number().int().min(1).max(100).default(10),
  })
  .strict();

export const engineConfigSchema = z
  .object({
    tree: treeConfigSchema.default(treeConfigSchema.parse({})),
    synthesis: synthesisConfigSchema.default(synthesisConfigSchema.parse({})),
    maxSamples: z
      .number()
      .int()
      .min(1)
      .max(MAX_SAMPLES)
      .optional()
      .describe('cap the dataset, spread evenly over leaves when it binds'),
    /** 32 bits, the range of the seeded generators. */
    seed: z.number().int().min(0).max(0xffff_ffff).default(0).describe('seed for every random choice'),
    concurrency: z.number().int().min(1).max(4096).default(16).describe('model calls in flight at once'),
    /** Extra calls allowed after an answer that is not valid JSON for its schema. */
    structuredRepairs: z.number().int().min(0).max(5).default(1),
    /** How the dataset is made: TreeSynth when absent, or a baseline (docs/baselines.md). */
    method: methodConfigSchema.optional(),
  })
  .strict();

export type EngineConfig = z.output<typeof engineConfigSchema>;
export type EngineConfigInput = z.input<typeof engineConfigSchema>;

/**
 * What the engine config file may hold: the engine config, plus `stages` (checked by the CLI),
 * `experiment` (benchmarks/paper) and `curation` (checked by @treesynth/curate, docs/curate.md).
 */
const engineConfigFileSchema = engineConfigSchema
  .extend({
    stages: z.unknown().optional(),
    experiment: experimentConfigSchema.optional(),
    curation: z.unknown().optional(),
  })
  .strict();

export type EngineConfigFile = EngineConfigInput & {
  stages?: unknown;
  experiment?: unknown;
  curation?: unknown;
};

/**
 * Check a whole config file (an object with known keys only, every field of the right type and in
 * range) and return it as written, without defaults, so it can be merged under the command's flags.
 */
export function parseEngineConfigFile(input: unknown, file: string): EngineConfigFile {
  parseOptions(engineConfigFileSchema, input, pathUnder(file, ': '));
  return input as EngineConfigFile;
}

export function parseEngineConfig(input: unknown, source = 'config'): EngineConfig {
  return parseOptions(engineConfigSchema, input ?? {}, pathUnder(source));
}
