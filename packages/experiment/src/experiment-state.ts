import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { writeFileAtomic } from '@treesynth/core/internal';
import { z } from 'zod';

/** The experiment folder's record of itself. */
export const EXPERIMENT_FILE = 'experiment.json';

const runStepSchema = z.object({ status: z.string(), rows: z.number().int().min(0) }).strict();
const curateStepSchema = z.object({ rows: z.number().int().min(0) }).strict();
const exportStepSchema = z.object({ out: z.string(), files: z.array(z.string()) }).strict();

/** One method's steps that finished, in order run, curate, export. */
export const methodStateSchema = z
  .object({
    name: z.string().min(1),
    /** Its run folder, relative to the experiment folder. */
    dir: z.string().min(1),
    run: runStepSchema.optional(),
    curate: curateStepSchema.optional(),
    export: exportStepSchema.optional(),
  })
  .strict();

/**
 * `experiment.json`: the settings the experiment was started with (a resume with others is refused)
 * and which steps finished, so a resumed experiment redoes none of them. Written atomically after
 * every step; no timings, so a resumed experiment ends with the same bytes as an uninterrupted one.
 */
export const experimentStateSchema = z
  .object({
    version: z.literal(1),
    name: z.string().min(1),
    task: z.string().min(1),
    /** sha256 of the config file's bytes when the experiment started. */
    configHash: z.string(),
    modelId: z.string().min(1),
    dataSize: z.number().int().min(1),
    embedder: z.string().min(1),
    exportFormat: z.string().min(1),
    /** When the experiment started: the report's date, so a resume redraws the same page. */
    createdAt: z.string(),
    methods: z.array(methodStateSchema),
    /** Set once the report is written: rows each method was measured on, and whether the data is simulated. */
    report: z
      .object({ file: z.string(), rowsPerMethod: z.number().int().min(0), simulated: z.boolean() })
      .strict()
      .optional(),
  })
  .strict();

export type ExperimentState = z.output<typeof experimentStateSchema>;
export type MethodState = z.output<typeof methodStateSchema>;

/** The folder's experiment.json, read through its schema; undefined when there is none yet. */
export function readExperimentState(dir: string): ExperimentState | undefined {
  const file = join(dir, EXPERIMENT_FILE);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError({ path: file, message: `not JSON (${(error as Error).message})` });
  }
  const parsed = experimentStateSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError({ path: file, message: `${issue.path.join('.') || '(root)'}: ${issue.message}` });
  }
  return parsed.data;
}

export function writeExperimentState(dir: string, state: ExperimentState): Promise<void> {
  const text = `${JSON.stringify(experimentStateSchema.parse(state), null, 2)}\n`;
  return writeFileAtomic(join(dir, EXPERIMENT_FILE), text);
}
