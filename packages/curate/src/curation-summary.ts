import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { readJsonFile } from '@treesynth/core/internal';
import { z } from 'zod';

/** The curated rows of a run folder: the same row shape as samples.jsonl, answers added (docs/export.md). */
export const CURATED_FILE = 'curated.jsonl';
/** What curation did to a run's rows, step by step (docs/export.md). */
export const CURATION_FILE = 'curation.json';

const count = z.number().int().min(0);

/** `curation.json`: rows in and out of each curation step, in the order they ran. */
export const curationSummarySchema = z.object({
  schemaVersion: z.literal(1),
  /** The curation settings the steps ran with (the run config's `curation` key, flags merged in). */
  config: z.record(z.string(), z.unknown()).optional(),
  steps: z.array(
    z.object({
      /** answer, verify, dedup, decontaminate, judge, or a user step's id. */
      step: z.string().min(1),
      rowsIn: count,
      rowsOut: count,
      /** Why rows were removed, with counts (`{ "exact duplicate": 12 }`). */
      removed: z.record(z.string(), count).optional(),
      /** Model calls the last curation process paid for in this step, and those its cache served. */
      calls: count.optional(),
      cachedCalls: count.optional(),
      /** Wall time of the step in the last curation process, in seconds. */
      seconds: z.number().min(0).optional(),
      /** The step's settings and their fingerprint (chained with the steps before it). */
      fingerprint: z.string().optional(),
      settings: z.unknown().optional(),
    }),
  ),
});

export type CurationSummary = z.infer<typeof curationSummarySchema>;

/** A run folder's curation.json, checked; undefined when the run has none. */
export function readCurationSummary(folder: string): CurationSummary | undefined {
  const file = join(folder, CURATION_FILE);
  if (!existsSync(file)) return undefined;
  const parsed = curationSummarySchema.safeParse(readJsonFile(file, CURATION_FILE));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError({
      path: file,
      message: `not a curation summary (${issue?.path.join('.') || 'the file'}: ${issue?.message ?? 'invalid'})`,
    });
  }
  return parsed.data;
}
