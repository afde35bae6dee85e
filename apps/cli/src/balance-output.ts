import type { BalancePlan, Route, RouterStats, SynthesisResult } from '@treesynth/balance';
import {
  type PartitionTree,
  type PathStep,
  primaryField,
  type SampleRecord,
  type TaskDefinition,
  type TreeNode,
} from '@treesynth/core';
import { type LeafCoverage, leafCoverage, type ReportInput, type ReportTreeNode } from '@treesynth/eval';
import type { DatasetRow, RowProblem } from '@treesynth/core';

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

/** One line of `routes.jsonl`: where one input row went (or why it went nowhere). */
export interface RouteLine {
  line: number;
  leaf_id: string | null;
  path: PathStep[];
  similarity: number | null;
  margin: number | null;
  decided_by: Route['decidedBy'] | null;
  /** Whether the row is in balanced.jsonl (after seeded downsampling). */
  kept: boolean;
  /** Why the row was not routed: the router's reason, or what was wrong with the row. */
  unrouted?: string;
}

/** Lines of `routes.jsonl` in file order: routed rows and bad rows alike. */
export function routeLines(
  rows: readonly DatasetRow[],
  routes: readonly Route[],
  keep: readonly boolean[],
  problems: readonly RowProblem[],
): RouteLine[] {
  const lines: RouteLine[] = rows.map((row, index) => {
    const route = routes[index]!;
    return {
      line: row.line,
      leaf_id: route.leafId,
      path: route.path,
      similarity: route.similarity,
      margin: route.margin,
      decided_by: route.decidedBy,
      kept: keep[index] === true,
      ...(route.leafId === null ? { unrouted: route.unrouted ?? 'not routed' } : {}),
    };
  });
  for (const problem of problems)
    lines.push({
      line: problem.line,
      leaf_id: null,
      path: [],
      similarity: null,
      margin: null,
      decided_by: null,
      kept: false,
      unrouted: `bad row: ${problem.reason}`,
    });
  return lines.sort((a, b) => a.line - b.line);
}

/** Leaf distribution of a set of rows, as `plan.json` and the summary give it. */
export interface LeafDistribution {
  rows: number;
  leaves: number;
  coveredLeaves: number;
  /** H(counts) / log(leaves), over every leaf of the tree, empty ones included (eval's `leafCoverage`). */
  normalizedEntropy: number | null;
  /** Gini coefficient of samples per leaf; 0 is perfectly even. */
  gini: number | null;
}

export function leafDistribution(tree: PartitionTree, leafIds: readonly string[]): LeafDistribution {
  const coverage: LeafCoverage = leafCoverage(tree, leafIds);
  return {
    rows: leafIds.length,
    leaves: coverage.leaves,
    coveredLeaves: coverage.coveredLeaves,
    normalizedEntropy: finiteOrNull(coverage.normalizedEntropy),
    gini: finiteOrNull(coverage.samplesPerLeaf.gini),
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export interface PlanFileInput {
  dataFile: string;
  dataSha256: string;
  field: string;
  problems: readonly RowProblem[];
  rows: readonly DatasetRow[];
  tree: { source: string; task: string };
  router: { kind: string; embedder?: string; model?: string; marginThreshold?: number; stats: RouterStats };
  plan: BalancePlan;
  before: LeafDistribution;
  after: LeafDistribution;
  dryRun: boolean;
  synthesis?: SynthesisResult;
  simulated: boolean;
}

/** `plan.json`: per leaf and in total what balancing does; the router, its stats, unrouted and bad rows. */
export function planFile(input: PlanFileInput): Record<string, unknown> {
  const { plan, synthesis } = input;
  const made = new Map(synthesis?.leaves.map((leaf) => [leaf.leafId, leaf]) ?? []);
  const leaves = plan.leaves.map((leaf) => {
    const synthesized = made.get(leaf.leafId)?.records.length ?? 0;
    const filled = input.dryRun ? leaf.synthesize : synthesized;
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
      ...(made.get(leaf.leafId)?.errors.length ? { errors: made.get(leaf.leafId)!.errors } : {}),
    };
  });
  const synthesized = synthesis?.samples ?? 0;
  return {
    tool: 'treesynth-ts',
    kind: 'balance-plan',
    dryRun: input.dryRun,
    simulated: input.simulated || undefined,
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
  };
}

function nodeLabel(node: TreeNode, task: TaskDefinition): string {
  const step = node.steps[node.steps.length - 1];
  if (!step) return task.name;
  return `${step.dimension}: ${step.infinite ? '*' : step.value}`;
}

export interface ReportFileInput {
  tree: PartitionTree;
  task: TaskDefinition;
  dataFile: string;
  beforeLeafIds: readonly string[];
  afterLeafIds: readonly string[];
  beforeTexts: readonly string[];
  afterTexts: readonly string[];
  before: LeafDistribution;
  after: LeafDistribution;
  plan: BalancePlan;
  synthesized: number;
  simulated: boolean;
  notes: string[];
}

/** The HTML report's input: leaf histograms before and after, the tree sized by the balanced rows. */
export function reportInput(input: ReportFileInput): ReportInput {
  const leaves = input.tree.leaves();
  const count = (leafIds: readonly string[]) => {
    const counts = new Map(leaves.map((leaf) => [leaf.id, 0]));
    for (const leafId of leafIds) counts.set(leafId, (counts.get(leafId) ?? 0) + 1);
    return counts;
  };
  const before = count(input.beforeLeafIds);
  const after = count(input.afterLeafIds);
  const nodes: ReportTreeNode[] = [...input.tree.nodes.values()].map((node) => ({
    id: node.id,
    parentId: node.parentId,
    label: nodeLabel(node, input.task),
    samples: after.get(node.id) ?? 0,
  }));
  const pair = (pick: (distribution: LeafDistribution) => number | null) => [
    pick(input.before),
    pick(input.after),
  ];
  return {
    title: `Balance of ${input.dataFile}`,
    generatedAt: new Date(),
    simulated: input.simulated,
    datasets: [
      { name: 'before', texts: input.beforeTexts },
      { name: 'after', texts: input.afterTexts },
    ],
    tree: { nodes },
    beforeAfter: {
      before: leaves.map((leaf) => before.get(leaf.id)!),
      after: leaves.map((leaf) => after.get(leaf.id)!),
    },
    metrics: {
      columns: ['before', 'after'],
      rows: [
        {
          name: 'normalised leaf entropy',
          description: 'H(samples per leaf) / log(leaves), empty leaves included; 1 is perfectly even',
          direction: 'higher is more diverse',
          values: pair((distribution) => distribution.normalizedEntropy),
        },
        {
          name: 'leaves covered',
          description: `leaves with at least one row, of ${input.before.leaves}`,
          direction: 'higher is more diverse',
          values: pair((distribution) => distribution.coveredLeaves),
        },
        {
          name: 'Gini of rows per leaf',
          description: '0 when every leaf holds the same number of rows',
          direction: 'lower is more diverse',
          values: pair((distribution) => distribution.gini),
        },
        { name: 'rows', values: pair((distribution) => distribution.rows) },
        { name: 'rows kept', values: [null, input.plan.totals.kept] },
        { name: 'rows dropped', values: [null, input.plan.totals.dropped] },
        { name: 'rows synthesized', values: [null, input.synthesized] },
      ],
    },
    notes: input.notes,
  };
}
