import type { ChatModel, SampleRecord, TaskDefinition } from '@treesynth/core';
import type { SynthesisResult } from './synthesize-shortfalls.js';

/**
 * Answers (and verifies) synthesized rows so a balanced set is trainable, e.g. `curateRows` of
 * `@treesynth/curate` (docs/curate.md). Gets each row as a samples.jsonl line (id, the task's fields,
 * provenance) and returns the rows to keep with their answer fields added.
 */
export type SynthesizedCurator = (input: {
  rows: (Record<string, unknown> & { id: string })[];
  task: TaskDefinition;
  model: ChatModel;
  /** The balance folder: the curator's logs go under it, so a rerun redoes nothing. */
  folder: string;
  signal?: AbortSignal | undefined;
}) => Promise<Record<string, unknown>[]>;

function sampleLine(record: SampleRecord): Record<string, unknown> & { id: string } {
  const { fields, ...provenance } = record;
  return { ...fields, ...provenance };
}

/**
 * The synthesis with only the rows the curator kept, each record's fields extended by the text fields
 * the curator added (the answer fields); what else it added (its verdicts) stays in its own logs.
 */
export async function curateSynthesis(
  synthesis: SynthesisResult,
  curate: SynthesizedCurator,
  context: { task: TaskDefinition; model: ChatModel; folder: string; signal?: AbortSignal | undefined },
): Promise<SynthesisResult> {
  const records = synthesis.leaves.flatMap((leaf) => leaf.records);
  const kept = new Map(
    (await curate({ ...context, rows: records.map(sampleLine) })).map((row) => [String(row.id), row]),
  );
  const answered = (record: SampleRecord): SampleRecord => {
    const row = kept.get(record.id)!;
    const added = Object.entries(row).filter(
      ([name, value]) => typeof value === 'string' && !(name in record) && !(name in record.fields),
    ) as [string, string][];
    return { ...record, fields: { ...record.fields, ...Object.fromEntries(added) } };
  };
  const leaves = synthesis.leaves.map((leaf) => ({
    ...leaf,
    records: leaf.records.filter((record) => kept.has(record.id)).map(answered),
  }));
  return { ...synthesis, leaves, samples: leaves.reduce((total, leaf) => total + leaf.records.length, 0) };
}
