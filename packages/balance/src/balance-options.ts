import {
  type ChatModel,
  type Embedder,
  engineConfigSchema,
  type Logger,
  type RunProgress,
  synthesisConfigSchema,
  type TaskDefinition,
  treeConfigSchema,
} from '@treesynth/core';
import { z } from 'zod';
import type { BalanceReportInput } from './output/balance-report-input.js';
import type { SynthesizedCurator } from './plan/curate-synthesis.js';
import { SELF_TRAINING_MODES } from './routing/embedding-router.js';
import type { RouterKind } from './routing/route-types.js';

export const ROUTER_KINDS = ['embedding', 'llm', 'hybrid'] as const satisfies readonly RouterKind[];

/** Where a model's answers (or an embedder's vectors) may be kept so a rerun does not pay twice. */
export interface ModelSourceContext {
  /** A folder inside the balance folder; undefined when `cache` is false. */
  cacheDir?: string;
  logger: Logger;
  signal?: AbortSignal;
}

/**
 * A model given by how to build it: balance calls `create` only when the job needs the model, once
 * per cache folder (the tree run's, the balance's own), so a caller can wrap it in a response cache.
 */
export interface ModelSource<Model> {
  /** Recorded in balance.json: a rerun in the same folder with another id is refused. */
  id: string;
  /** The model is a simulator: its rows are placeholders (said in the result and the files). */
  simulated?: boolean;
  create(context: ModelSourceContext): Model | Promise<Model>;
}

const modelSchema = z.custom<ChatModel | ModelSource<ChatModel>>(
  (value) => typeof value === 'object' && value !== null && ('doGenerate' in value || 'create' in value),
  'expected a ChatModel or a { id, create } model source',
);
const embedderSchema = z.custom<Embedder | ModelSource<Embedder>>(
  (value) => typeof value === 'object' && value !== null && ('doEmbed' in value || 'create' in value),
  'expected an Embedder or a { id, create } embedder source',
);
const count = z.number().int().min(0);
const positive = z.number().int().min(1);

/**
 * The options of `balanceDataset`: the one source of its defaults and limits. Errors name the option
 * (`field`, `router`, `target`, `out`), never a CLI flag.
 */
export const balanceOptionsSchema = z.object({
  data: z
    .string({ error: 'which dataset? a JSONL file or a JSON array of rows, e.g. train.jsonl' })
    .min(1)
    .describe('the dataset: JSONL (one object a line) or a JSON array; only ever read'),
  field: z
    .string({ error: 'which field of each row holds the text? e.g. question' })
    .min(1)
    .describe('the field of each row that holds the text, e.g. question'),
  /** Build the tree (stage one only) in `<out>/tree` for this task: a built-in name, a task file, or a definition. */
  task: z
    .union([z.string().min(1), z.custom<TaskDefinition>((value) => typeof value === 'object')])
    .optional(),
  /** The generic task's description and requirements (with `task: 'generic'`). */
  description: z.string().optional(),
  requirements: z.array(z.string()).optional(),
  tree: z
    .string()
    .min(1)
    .optional()
    .describe(
      'use this tree.json (or run folder) instead of building one; its task comes from the run.json beside it or the task option',
    ),
  router: z
    .string()
    .default('embedding')
    .refine((value) => (ROUTER_KINDS as readonly string[]).includes(value), {
      error: (issue) => `unknown router "${String(issue.input)}"; use ${ROUTER_KINDS.join(', ')}`,
    })
    .transform((value) => value as RouterKind)
    .describe(
      'embedding (fast, offline), llm (one call per row and level), hybrid (LLM where the embedding margin is small)',
    ),
  marginThreshold: z
    .number()
    .min(0, 'expected a number from 0 to 2')
    .max(2, 'expected a number from 0 to 2')
    .optional()
    .describe(
      'hybrid router: ask the LLM where the embedding margin is below this, from 0 to 2 (default: the 20% least certain decisions at each node)',
    ),
  selfTraining: z
    .enum(SELF_TRAINING_MODES, {
      error: (issue) => `unknown mode "${String(issue.input)}"; use ${SELF_TRAINING_MODES.join(', ')}`,
    })
    .optional()
    .describe(
      `embedding and hybrid routers: learn from the rows themselves, seeded by descriptions and pivots: ${SELF_TRAINING_MODES.join(', ')} (off by default; docs/balance.md)`,
    ),
  target: z
    .union([z.string(), positive])
    .default('uniform')
    .describe(
      'rows per leaf: uniform (the routed rows spread evenly), paper (∝ 10·5^k, k infinite steps), N (N rows spread evenly), or a JSON file of per-leaf counts',
    ),
  out: z.string().optional().describe('the balance folder (default: runs/balance-<data file name>)'),
  dryRun: z
    .boolean()
    .default(false)
    .describe('route and plan only: write plan.json and routes.jsonl, synthesize nothing'),
  /** Routing (embedding and hybrid routers). */
  embedder: embedderSchema.optional(),
  /** Tree building, LLM routing and synthesis. */
  model: modelSchema.optional(),
  seed: engineConfigSchema.shape.seed,
  /** Keep model answers (and embeddings) in the balance folder, so a rerun pays for nothing twice. */
  cache: z.boolean().default(true),
  /** Tree building and synthesis: the engine's settings, its defaults and limits. */
  depth: treeConfigSchema.shape.depth,
  pivots: treeConfigSchema.shape.pivots,
  samplesPerCall: synthesisConfigSchema.shape.samplesPerCall,
  concurrency: positive
    .optional()
    .describe(
      'model calls in flight at once (default: 16 building the tree and synthesizing, 8 routing by LLM)',
    ),
  maxSynthesized: count.optional().describe('synthesize at most this many samples in all'),
  maxSynthesizedPerLeaf: count.optional().describe('synthesize at most this many samples in one leaf'),
  /** Answers (and verifies) the synthesized rows, so a balanced set is trainable (docs/curate.md). */
  curateSynthesized: z.custom<SynthesizedCurator>((value) => typeof value === 'function').optional(),
  /** Writes report.html (e.g. with @treesynth/eval's renderer); without it no report is written. */
  writeReport: z.custom<(file: string, input: BalanceReportInput) => Promise<void>>().optional(),
  /** Strings removed from the error balance.json records (API keys). */
  secrets: z.array(z.string().optional()).default([]),
  signal: z.custom<AbortSignal>().optional(),
  logger: z.custom<Logger>().optional(),
  /** Tree building and synthesis, in the engine's progress shape. */
  onProgress: z.custom<(progress: RunProgress) => void>().optional(),
});

export type BalanceOptions = z.input<typeof balanceOptionsSchema>;
export type ParsedBalanceOptions = z.output<typeof balanceOptionsSchema>;
