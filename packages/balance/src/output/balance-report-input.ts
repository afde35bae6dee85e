import type { PartitionTree, TaskDefinition } from '@treesynth/core';
import type { BalancePlan } from '../plan/balance-plan.js';
import type { LeafDistribution } from './leaf-distribution.js';

/**
 * What a report of a balance shows (leaf histograms before and after, the tree sized by the
 * balanced rows, entropy): handed to `writeReport`, which renders it (the CLI uses @treesynth/eval).
 */
export interface BalanceReportInput {
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
