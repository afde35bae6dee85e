import { z } from 'zod';
import { leafReasonSchema, nodeSplitSchema } from '../tree/tree-schema.js';
import { runStatusSchema } from './run-manifest.js';

const usageSchema = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  cachedPromptTokens: z.number().optional(),
});

const endStatusSchema = runStatusSchema.exclude(['running']);

/**
 * The event log (`events.jsonl`), append-only, one event a line. The tree and the set of finished
 * leaf calls are rebuilt from it on resume; usage is summed from its `call` events.
 */
export const runEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('run-start'), at: z.string(), resumed: z.boolean() }),
  z.object({ type: z.literal('node-split'), node: z.string(), split: nodeSplitSchema }),
  z.object({
    type: z.literal('node-leaf'),
    node: z.string(),
    reason: leafReasonSchema,
    detail: z.array(z.string()).optional(),
  }),
  z.object({
    type: z.literal('budget'),
    maxSamples: z.number(),
    demand: z.number(),
    planned: z.number(),
    leaves: z.number(),
  }),
  z.object({
    type: z.literal('call'),
    stage: z.string(),
    key: z.string(),
    usage: usageSchema,
    cached: z.boolean(),
    ms: z.number(),
  }),
  z.object({
    type: z.literal('leaf-call'),
    leaf: z.string(),
    index: z.number().int(),
    samples: z.number().int(),
    /** Samples the call asked for; they count toward the leaf's target. Absent in older logs: `samples`. */
    size: z.number().int().optional(),
    /**
     * samples.jsonl's length in bytes once this call's rows were written: resume checks the file at
     * the last one and reads only what lies after it. Absent in older logs (resume then reads it all).
     */
    rowsEnd: z.number().int().min(0).optional(),
  }),
  z.object({
    type: z.literal('leaf-call-failed'),
    leaf: z.string(),
    index: z.number().int(),
    error: z.string(),
    /** The endpoint kept failing (not the answer): the next resume tries the call again. */
    retryable: z.boolean().optional(),
  }),
  /** A leaf call written to a batch file; ingest accepts results for these custom_ids only. */
  z.object({ type: z.literal('batch-request'), key: z.string(), call: z.string() }),
  /** samples.jsonl held fewer or more rows than the finished leaf calls made; resume fixed it. */
  z.object({
    type: z.literal('samples-repaired'),
    rowsFromCache: z.number().int(),
    rowsRequested: z.number().int(),
    duplicatesDropped: z.number().int(),
  }),
  z.object({
    type: z.literal('run-end'),
    at: z.string(),
    status: endStatusSchema,
    error: z.string().optional(),
  }),
]);

export type RunEvent = z.infer<typeof runEventSchema>;
