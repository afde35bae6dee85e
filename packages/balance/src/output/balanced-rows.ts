import type { PathStep, SampleRecord, TaskDefinition } from '@treesynth/core';
import { type DatasetRow, primaryField } from '@treesynth/core/internal';
import type { Route } from '../routing/route-types.js';

/**
 * Provenance added to every row of `balanced.jsonl` under the key `treesynth`. Original rows keep all
 * their fields; a `treesynth` field they had is replaced. Synthesized rows carry a run's SampleRecord
 * provenance (id, leaf, path, drawn values, call), so the same tools read both.
 */
export type BalanceProvenance =
  | {
      origin: 'original';
      /** 1-based line of the row in the input file. */
      line: number;
      leaf_id: string;
      /** The leaf's constraints, infinite steps resolved to the value the router chose. */
      path: PathStep[];
      /** Cosine similarity at the last embedding decision; null when only the LLM decided. */
      similarity: number | null;
      /** Smallest embedding margin over the route; null when only the LLM decided. */
      margin: number | null;
      routed_by: Route['decidedBy'];
    }
  | ({ origin: 'synthesized' } & Omit<SampleRecord, 'fields'>);

/** A kept input row: every original field, plus `treesynth`. */
export function originalRow(row: DatasetRow, route: Route): Record<string, unknown> {
  const provenance: BalanceProvenance = {
    origin: 'original',
    line: row.line,
    leaf_id: route.leafId!,
    path: route.path,
    similarity: route.similarity,
    margin: route.margin,
    routed_by: route.decidedBy,
  };
  return { ...row.record, treesynth: provenance };
}

/**
 * A synthesized sample as a row of the input's shape: the task's primary field is written under the
 * input's `field` (so `--field problem` data gets `problem`), the task's other fields as they are.
 */
export function synthesizedRow(
  record: SampleRecord,
  task: TaskDefinition,
  field: string,
): Record<string, unknown> {
  const primary = primaryField(task);
  const row: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(record.fields)) if (name !== primary) row[name] = value;
  row[field] = record.fields[primary] ?? '';
  const { fields: _fields, ...provenance } = record;
  row.treesynth = { origin: 'synthesized', ...provenance } satisfies BalanceProvenance;
  return row;
}
