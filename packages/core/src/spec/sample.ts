/** One constraint of a subspace: a dimension and the value it takes there. */
export interface PathStep {
  dimension: string;
  value: string;
}

/**
 * A step of a node's definition. An infinite step holds a whole value list; every prompt built under
 * it draws one value from the list.
 */
export type NodeStep =
  | { dimension: string; value: string; infinite?: false }
  | { dimension: string; values: string[]; infinite: true };

/** The fields a task's samples carry, e.g. `{ question: "..." }`. */
export type SampleFields = Record<string, string>;

/** A synthesized sample as written to `samples.jsonl`: the task's fields plus provenance. */
export interface SampleRecord {
  /** Deterministic from (leaf, call, index). */
  id: string;
  leaf_id: string;
  /** The constraints the sample was written under, drawn values of infinite steps included. */
  path: PathStep[];
  /** The values drawn for the leaf's infinite steps in this call, by dimension. */
  drawn: Record<string, string>;
  /** The leaf call that made it. */
  call: { index: number; model: string; simulated?: boolean };
  fields: SampleFields;
  /** The method that made it and its details (e.g. an evolution's generation and parent). */
  method?: SampleMethod;
}

/** Provenance of the method behind a sample: `name` (treesynth, temperature, evol, persona) and details. */
export type SampleMethod = { name: string } & Record<string, string | number | null>;
