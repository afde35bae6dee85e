import type { TaskDefinition } from '@treesynth/core';
import { sha256, stableStringify } from '@treesynth/core/internal';
import { z } from 'zod';
import {
  contaminationSourcesOptionsSchema,
  loadContaminationSources,
} from '../filters/contamination-sources.js';
import { decontaminate, decontaminateOptionsSchema } from '../filters/decontaminate.js';
import { exactDuplicates } from '../filters/exact-duplicates.js';
import { nearDuplicates, nearDuplicatesOptionsSchema } from '../filters/near-duplicates.js';
import type { FilterRow, Removal } from '../filters/removal.js';
import type { CurationRow, CurationStep, StepOutcome } from '../pipeline/curation-step.js';

/** Dedup: exact duplicates of the normalised text, then MinHash near duplicates (docs/curate-filters.md). */
export const dedupSettingsSchema = nearDuplicatesOptionsSchema
  .extend({ near: z.boolean().default(true).describe('also remove MinHash near duplicates') })
  .strict();
/** Decontaminate: n-gram overlap with the shipped test sets and the files named. */
export const decontaminateSettingsSchema = decontaminateOptionsSchema
  .extend(contaminationSourcesOptionsSchema.shape)
  .strict();

export type DedupSettings = z.output<typeof dedupSettingsSchema>;
export type DecontaminateSettings = z.output<typeof decontaminateSettingsSchema>;

/** The text a filter compares: the row's task fields, one a line. */
function filterRows(task: TaskDefinition, rows: readonly CurationRow[]): FilterRow[] {
  return rows.map((row) => ({
    id: row.id,
    text: task.fields.map((field) => String(row[field.name] ?? '')).join('\n'),
  }));
}

function outcomes(rows: readonly CurationRow[], removals: readonly Removal[]): StepOutcome[] {
  const byId = new Map(removals.map((removal) => [removal.id, removal]));
  return rows.map((row) => {
    const removal = byId.get(row.id);
    if (!removal) return { id: row.id, row };
    const { id: _id, reason, ...details } = removal;
    // Contamination is counted per source in curation.json ("contamination: gsm8k").
    const named = removal.reason === 'contamination' ? `contamination: ${removal.source}` : reason;
    return { id: row.id, removed: { reason: named, details } };
  });
}

export function dedupStep(settings: DedupSettings, task: TaskDefinition): CurationStep {
  return {
    id: 'dedup',
    kind: 'set',
    settings,
    async run(rows) {
      const texts = filterRows(task, rows);
      const exact = exactDuplicates(texts);
      if (!settings.near) return outcomes(rows, exact);
      const gone = new Set(exact.map((removal) => removal.id));
      const { near: _near, ...options } = settings;
      const near = nearDuplicates(
        texts.filter((row) => !gone.has(row.id)),
        options,
      );
      return outcomes(rows, [...exact, ...near]);
    },
  };
}

/**
 * The decontaminate step. Its settings carry a hash of the sources' texts, so a changed user file
 * redoes the step.
 */
export async function decontaminateStep(
  settings: DecontaminateSettings,
  task: TaskDefinition,
): Promise<CurationStep> {
  const { ngramSize, ...sourceOptions } = settings;
  const sources = await loadContaminationSources(sourceOptions);
  return {
    id: 'decontaminate',
    kind: 'set',
    settings: { ...settings, sources: sha256(stableStringify(sources)) },
    async run(rows) {
      return outcomes(rows, decontaminate(filterRows(task, rows), sources, { ngramSize }));
    },
  };
}
