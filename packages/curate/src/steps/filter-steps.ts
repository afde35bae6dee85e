import { ConfigError, type Embedder, type TaskDefinition } from '@treesynth/core';
import { sha256, stableStringify } from '@treesynth/core/internal';
import { z } from 'zod';
import {
  contaminationSourcesOptionsSchema,
  loadContaminationSources,
} from '../filters/contamination-sources.js';
import { decontaminate, decontaminateOptionsSchema } from '../filters/decontaminate.js';
import { embeddingDuplicates, embeddingDuplicatesOptionsSchema } from '../filters/embedding-duplicates.js';
import { exactDuplicates } from '../filters/exact-duplicates.js';
import { nearDuplicates, nearDuplicatesOptionsSchema } from '../filters/near-duplicates.js';
import type { FilterRow, Removal } from '../filters/removal.js';
import type { CurationRow, CurationStep, StepOutcome } from '../pipeline/curation-step.js';

/** Dedup by embedding: rows whose embeddings' cosine reaches `threshold` (docs/curate-filters.md). */
export const embeddingDedupSettingsSchema = z
  .object({
    /** An embedder spec (`hashing`, `minilm`, …); the caller's `embedderFor` makes it (default: its own). */
    embedder: z.string().min(1).optional().describe('embedder spec of the embedding dedup'),
    threshold: embeddingDuplicatesOptionsSchema.shape.threshold,
  })
  .strict();

/**
 * Dedup: exact duplicates of the normalised text, then MinHash near duplicates, then (when `embedding`
 * is set) embedding near duplicates (docs/curate-filters.md).
 */
export const dedupSettingsSchema = nearDuplicatesOptionsSchema
  .extend({
    near: z.boolean().default(true).describe('also remove MinHash near duplicates'),
    embedding: embeddingDedupSettingsSchema.optional(),
  })
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

/** Makes the embedder an embedding dedup names (its spec, or undefined for the caller's default). */
export type EmbedderFor = (spec: string | undefined) => Embedder | Promise<Embedder>;

/**
 * The dedup step: exact, then MinHash near (unless `near` is false), then embedding duplicates (when
 * `embedding` is set), each pass over the rows the earlier ones kept. Its settings name the embedder
 * by its spec, so another embedder or threshold redoes the step.
 */
export function dedupStep(
  settings: DedupSettings,
  task: TaskDefinition,
  embedderFor?: EmbedderFor,
): CurationStep {
  const { near: withNear, embedding, ...nearOptions } = settings;
  if (embedding && !embedderFor)
    throw new ConfigError({
      path: 'curation.dedup.embedding.embedder',
      message: 'no way to make an embedder (give embedderFor)',
    });
  return {
    id: 'dedup',
    kind: 'set',
    settings,
    async run(rows, context) {
      const texts = filterRows(task, rows);
      const removals: Removal[] = exactDuplicates(texts);
      const gone = new Set(removals.map((removal) => removal.id));
      const left = () => texts.filter((row) => !gone.has(row.id));
      if (withNear) {
        for (const removal of nearDuplicates(left(), nearOptions)) {
          removals.push(removal);
          gone.add(removal.id);
        }
      }
      if (embedding && embedderFor) {
        const embedder = await embedderFor(embedding.embedder);
        const found = await embeddingDuplicates(left(), {
          embedder,
          threshold: embedding.threshold,
          ...(context.signal ? { signal: context.signal } : {}),
        });
        removals.push(...found);
      }
      return outcomes(rows, removals);
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
