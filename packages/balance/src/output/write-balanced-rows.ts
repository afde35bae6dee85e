import { join } from 'node:path';
import type { DatasetFile, PartitionTree, TaskDefinition } from '@treesynth/core';
import { writeFileAtomic } from '@treesynth/core/internal';
import type { ParsedBalanceOptions } from '../balance-options.js';
import type { BalancePlan } from '../plan/balance-plan.js';
import type { SynthesisResult } from '../plan/synthesize-shortfalls.js';
import type { Route } from '../routing/route-types.js';
import { BALANCE_FILES } from './balance-manifest.js';
import { originalRow, synthesizedRow } from './balanced-rows.js';
import { type LeafDistribution, leafDistribution } from './leaf-distribution.js';
import type { BalanceRouter } from './plan-file.js';

export interface WriteBalancedRowsOptions {
  out: string;
  request: ParsedBalanceOptions;
  data: DatasetFile;
  task: TaskDefinition;
  tree: PartitionTree;
  routes: readonly Route[];
  keptIndices: readonly number[];
  beforeLeafIds: readonly string[];
  before: LeafDistribution;
  router: BalanceRouter;
  plan: BalancePlan;
  synthesis: SynthesisResult;
  simulated: boolean;
}

/**
 * `balanced.jsonl` (the kept rows in input order, then the synthesized ones), and report.html through
 * the caller's `writeReport` when there is one. Returns the leaf distribution of the rows written.
 */
export async function writeBalancedRows(
  options: WriteBalancedRowsOptions,
): Promise<{ after: LeafDistribution; report: boolean }> {
  const { data, routes, keptIndices, plan, synthesis, task, tree } = options;
  const records = synthesis.leaves.flatMap((leaf) => leaf.records);
  const rows = [
    ...keptIndices.map((index) => originalRow(data.rows[index]!, routes[index]!)),
    ...records.map((record) => synthesizedRow(record, task, data.field)),
  ];
  await writeFileAtomic(
    join(options.out, BALANCE_FILES.balanced),
    rows.map((row) => `${JSON.stringify(row)}\n`).join(''),
  );
  const afterLeafIds = [
    ...keptIndices.map((index) => routes[index]!.leafId!),
    ...records.map((record) => record.leaf_id),
  ];
  const after = leafDistribution(tree, afterLeafIds);
  const { writeReport } = options.request;
  if (!writeReport) return { after, report: false };
  const { router } = options;
  const notes = [
    `Router: ${router.kind}${router.embedder ? ` (embedder ${router.embedder})` : ''}; target: ${plan.target.kind}, ${plan.target.total} rows; seed ${plan.seed}.`,
    `${data.rows.length} usable rows of ${data.rows.length + data.problems.length}; ${plan.totals.unrouted} unrouted.`,
    ...(synthesis.unfilled + plan.totals.unfilled > 0
      ? [`${synthesis.unfilled + plan.totals.unfilled} samples short of the targets (see plan.json).`]
      : []),
  ];
  await writeReport(join(options.out, BALANCE_FILES.report), {
    tree,
    task,
    dataFile: options.request.data,
    beforeLeafIds: options.beforeLeafIds,
    afterLeafIds,
    beforeTexts: data.rows.filter((_, index) => routes[index]!.leafId !== null).map((row) => row.text),
    afterTexts: rows.map((row) => String(row[data.field] ?? '')),
    before: options.before,
    after,
    plan,
    synthesized: records.length,
    simulated: options.simulated,
    notes,
  });
  return { after, report: true };
}
