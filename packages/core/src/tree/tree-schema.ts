import { z } from 'zod';

export const TREE_SCHEMA_VERSION = 1;

const nodeStepSchema = z.union([
  z.object({ dimension: z.string(), value: z.string(), infinite: z.literal(false).optional() }),
  z.object({ dimension: z.string(), values: z.array(z.string()), infinite: z.literal(true) }),
]);

/** Why a node was not split. */
export const leafReasonSchema = z.enum([
  'max-depth',
  'no-criterion',
  'too-few-values',
  'pivots-failed',
  'no-pivots',
]);

export type LeafReason = z.infer<typeof leafReasonSchema>;

/** How a node was split into its children. */
export const nodeSplitSchema = z.object({
  dimension: z.string(),
  /** The values, one child each; for an infinite split, the whole list held by its single child. */
  values: z.array(z.string()),
  infinite: z.boolean(),
  /** Fixed by the task (no LLM calls), like MATH's subjects. */
  fixed: z.boolean(),
  /** The pivots the criterion was chosen on, kept for routing prototypes. */
  pivots: z.array(z.record(z.string(), z.string())),
  /** Which pivots (0-based) the criterion assigned to which value. */
  assignments: z.array(z.object({ value: z.string(), pivots: z.array(z.number().int()) })),
  coverageRounds: z.number().int(),
  /** Rejected criterion answers before the accepted one. */
  rejections: z.array(z.string()),
});

export type NodeSplit = z.infer<typeof nodeSplitSchema>;

export const treeNodeSchema = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  depth: z.number().int().min(0),
  /** The node's definition from the root: one step per level. */
  steps: z.array(nodeStepSchema),
  status: z.enum(['pending', 'split', 'leaf']),
  split: nodeSplitSchema.optional(),
  leafReason: leafReasonSchema.optional(),
  /** Why the node became a leaf early, in words (rejected criteria, stage errors). */
  leafDetail: z.array(z.string()).optional(),
  children: z.array(z.string()),
});

export type TreeNode = z.infer<typeof treeNodeSchema>;

/** `tree.json`: every node, depth-first from the root. */
export const serializedTreeSchema = z.object({
  schemaVersion: z.literal(TREE_SCHEMA_VERSION),
  nodes: z.array(treeNodeSchema),
});

export type SerializedTree = z.infer<typeof serializedTreeSchema>;
