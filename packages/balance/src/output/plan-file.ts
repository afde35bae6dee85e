import { type DatasetRow, type RowProblem, writeFileAtomic } from '@treesynth/core/internal';
import { z } from 'zod';
import type { BalancePlan } from '../plan/balance-plan.js';
import type { SynthesisResult } from '../plan/synthesize-shortfalls.js';
import type { RouterStats } from '../routing/route-types.js';
import { type LeafDistribution, leafDistributionSchema } from './leaf-distribution.js';
import { readJsonThrough } from './read-json-through.js';

const count = z.number().int().min(0);
const usageCountsSchema = z.object({
  calls: count,
  cachedCalls: count,
  promptTokens: count,
  cachedPromptTokens: count,
  completionTokens: count,
});

/** The router a balance used, with its stats: in plan.json and in the result. */
export const balanceRouterSchema = z.object({
  kind: z.enum(['embedding', 'llm', 'hybrid']),
  embedder: z.string().optional(),
  model: z.string().optional(),
  marginThreshold: z.number().optional(),
  selfTraining: z.string().optional(),
  stats: z.object({
    samples: count,
    llmCalls: count,
    llmCallsSaved: count.optional(),
    textsEmbedded: count,
    unrouted: count,
  }) satisfies z.ZodType<RouterStats>,
});

export type BalanceRouter = z.infer<typeof balanceRouterSchema>;

/** `plan.json`: per leaf and in total what balancing does; the router, its stats, unrouted and bad rows. */
export const planFileSchema = z.object({
  tool: z.literal('treesynth-ts'),
  kind: z.literal('balance-plan'),
  dryRun: z.boolean(),
  simulated: z.literal(true).optional(),
  data: z.object({
    file: z.string(),
    sha256: z.string(),
    field: z.string(),
    rows: count,
    usable: count,
    bad: count,
  }),
  tree: z.object({ source: z.string(), task: z.string() }),
  router: balanceRouterSchema,
  target: z.object({
    kind: z.enum(['uniform', 'paper', 'counts']),
    total: count,
    source: z.string().optional(),
  }),
  seed: z.number().int(),
  caps: z.object({ maxSynthesized: count.optional(), maxSynthesizedPerLeaf: count.optional() }),
  totals: z.object({
    rows: count,
    routed: count,
    unrouted: count,
    target: count,
    kept: count,
    dropped: count,
    synthesize: count,
    /** Absent in a dry run. */
    synthesized: count.optional(),
    unfilled: count,
    out: count,
  }),
  before: leafDistributionSchema,
  /** A full run: the balanced rows. */
  after: leafDistributionSchema.optional(),
  /** A dry run: what the plan would give. */
  planned: leafDistributionSchema.optional(),
  usage: z.object({ total: usageCountsSchema, stages: z.record(z.string(), usageCountsSchema) }).optional(),
  leaves: z.array(
    z.object({
      leafId: z.string(),
      path: z.string(),
      infiniteDepth: count,
      current: count,
      target: count,
      drop: count,
      synthesize: count,
      synthesized: count.optional(),
      unfilled: count,
      errors: z.array(z.string()).optional(),
    }),
  ),
  unrouted: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  badRows: z.array(z.object({ line: z.number().int(), reason: z.string() })),
});

export type PlanFile = z.infer<typeof planFileSchema>;

export interface PlanFileInput {
  dataFile: string;
  dataSha256: string;
  field: string;
  problems: readonly RowProblem[];
  rows: readonly DatasetRow[];
  tree: { source: string; task: string };
  router: BalanceRouter;
  plan: BalancePlan;
  before: LeafDistribution;
  after: LeafDistribution;
  dryRun: boolean;
  synthesis?: SynthesisResult;
  simulated: boolean;
}

/** The content of `plan.json`, checked against its schema. */
export function planFile(input: PlanFileInput): PlanFile {
  const { plan, synthesis } = input;
  const made = new Map(synthesis?.leaves.map((leaf) => [leaf.leafId, leaf]) ?? []);
  const leaves = plan.leaves.map((leaf) => {
    const synthesized = made.get(leaf.leafId)?.records.length ?? 0;
    const filled = input.dryRun ? leaf.synthesize : synthesized;
    const errors = made.get(leaf.leafId)?.errors ?? [];
    return {
      leafId: leaf.leafId,
      path: leaf.label,
      infiniteDepth: leaf.infiniteDepth,
      current: leaf.current,
      target: leaf.target,
      drop: leaf.drop,
      synthesize: leaf.synthesize,
      ...(input.dryRun ? {} : { synthesized }),
      unfilled: Math.max(0, leaf.target - (leaf.current - leaf.drop) - filled),
      ...(errors.length > 0 ? { errors } : {}),
    };
  });
  const synthesized = synthesis?.samples ?? 0;
  return planFileSchema.parse({
    tool: 'treesynth-ts',
    kind: 'balance-plan',
    dryRun: input.dryRun,
    ...(input.simulated ? { simulated: true } : {}),
    data: {
      file: input.dataFile,
      sha256: input.dataSha256,
      field: input.field,
      rows: input.rows.length + input.problems.length,
      usable: input.rows.length,
      bad: input.problems.length,
    },
    tree: input.tree,
    router: input.router,
    target: plan.target,
    seed: plan.seed,
    caps: plan.caps,
    totals: {
      ...plan.totals,
      ...(input.dryRun ? {} : { synthesized }),
      unfilled: leaves.reduce((sum, leaf) => sum + leaf.unfilled, 0),
      out: plan.totals.kept + (input.dryRun ? plan.totals.synthesize : synthesized),
    },
    before: input.before,
    [input.dryRun ? 'planned' : 'after']: input.after,
    ...(synthesis ? { usage: synthesis.usage } : {}),
    leaves,
    unrouted: plan.unrouted.map(({ index, reason }) => ({ line: input.rows[index]!.line, reason })),
    badRows: input.problems,
  });
}

export async function writePlanFile(file: string, plan: PlanFile): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(planFileSchema.parse(plan), null, 2)}\n`);
}

/** A `plan.json`, read back through its schema; anything else is a ConfigError naming the file. */
export function readPlanFile(file: string): PlanFile {
  return readJsonThrough(planFileSchema, file, 'plan.json');
}
