import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, readRunManifest } from '@treesynth/core';
import { parseOptions, readJsonFile, writeFileAtomic } from '@treesynth/core/internal';
import { z } from 'zod';
import type { CurateResult } from './curate-run.js';

/** `{targetRows, initialBudget}`: the budget the first top-up started from, so a resume keeps the cap. */
export const TARGET_FILE = 'target.json';
/** Extra samples asked for beyond the estimate, so one round usually suffices (overshoot is trimmed). */
const MARGIN = 1.1;

const isFunction = (value: unknown) => typeof value === 'function';

export const reachTargetRowsOptionsSchema = z
  .object({
    /** A complete run folder, curated by `curate`. */
    folder: z.string().min(1),
    targetRows: z.number().int().min(1).describe('final rows wanted after curation'),
    maxBudgetFactor: z
      .number()
      .min(1)
      .max(1000)
      .default(2)
      .describe('the most the sample budget may grow to, as a multiple of the budget before the top-ups'),
    /** Extend the run to `maxSamples` (a resume with a larger budget); the run's status after it. */
    synthesize: z.custom<(maxSamples: number) => Promise<string>>(isFunction, 'expected a function'),
    /** Curate the folder (curateRun with `targetRows`, so an overshoot is trimmed). */
    curate: z.custom<() => Promise<CurateResult>>(isFunction, 'expected a function'),
  })
  .strict();

export type ReachTargetRowsOptions = z.input<typeof reachTargetRowsOptionsSchema>;

export interface TargetResult {
  targetRows: number;
  reached: boolean;
  /** Why it stopped short: `budget cap`, `tree exhausted`, or the run's status after a top-up. */
  stopped?: string;
  /** The sample budget before the first top-up, now, and its cap. */
  initialBudget: number | null;
  budget: number | null;
  cap: number | null;
  /** Top-ups made by this call. */
  rounds: number;
  curation: CurateResult;
}

/**
 * Curate a complete run and, while curation leaves fewer than `targetRows`, extend the run's sample
 * budget (the engine spreads the new samples over the leaves as it spreads any budget) and curate
 * again, up to `maxBudgetFactor` times the budget before the first top-up. Each new budget follows
 * from the last curation's yield, so a killed top-up resumed gives the same budgets and rows.
 */
export async function reachTargetRows(input: ReachTargetRowsOptions): Promise<TargetResult> {
  const options = parseOptions(reachTargetRowsOptionsSchema, input);
  const budgetNow = () => readRunManifest(join(options.folder, 'run.json')).config.maxSamples ?? null;
  const initialBudget = await initialBudgetOf(options.folder, options.targetRows, budgetNow());
  const cap = initialBudget === null ? null : Math.floor(initialBudget * options.maxBudgetFactor);
  let rounds = 0;
  let curation = await options.curate();
  for (;;) {
    const budget = budgetNow();
    const result = { targetRows: options.targetRows, initialBudget, budget, cap, rounds, curation };
    if (curation.rows >= options.targetRows) return { ...result, reached: true };
    const made = curation.summary.steps[0]?.rowsIn ?? curation.rows;
    // A complete run short of its budget made every sample its tree asks for: more budget adds none.
    if (budget === null || cap === null || made < budget)
      return { ...result, reached: false, stopped: 'tree exhausted' };
    if (budget >= cap) return { ...result, reached: false, stopped: 'budget cap' };
    const kept = Math.max(curation.rows, 1) / Math.max(made, 1);
    const wanted = Math.ceil(((options.targetRows - curation.rows) * MARGIN) / kept);
    const next = Math.min(cap, budget + Math.max(wanted, 1));
    const status = await options.synthesize(next);
    rounds++;
    if (status !== 'complete')
      return { ...result, budget: next, rounds, reached: false, stopped: `run ${status}` };
    curation = await options.curate();
  }
}

/** The budget before the first top-up for this folder: from target.json, else now (and recorded). */
async function initialBudgetOf(folder: string, targetRows: number, now: number | null) {
  const file = join(folder, TARGET_FILE);
  if (existsSync(file)) {
    const stored = readJsonFile(file, TARGET_FILE) as { initialBudget?: unknown };
    if (stored.initialBudget === null || typeof stored.initialBudget === 'number')
      return stored.initialBudget;
    throw new ConfigError({ path: file, message: 'initialBudget: expected a number or null' });
  }
  await writeFileAtomic(file, `${JSON.stringify({ targetRows, initialBudget: now }, null, 2)}\n`);
  return now;
}
