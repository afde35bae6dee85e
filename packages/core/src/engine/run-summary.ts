import type { EngineConfig } from '../config/engine-config.js';
import { TreeSynthError } from '../errors/treesynth-error.js';
import { leafPrompt } from '../prompts/stage-prompts.js';
import type { PathStep } from '../spec/sample.js';
import type { RunStatus } from '../store/run-store.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import { drawPath, type LeafReason, type PartitionTree } from '../tree/partition-tree.js';
import { estimateTokens } from '../util/estimate-tokens.js';
import { callSizes, naturalDemand, spreadBudget } from './budget.js';
import type { BudgetNote, EngineState, SamplesRepair } from './engine-state.js';
import type { UsageReport } from './usage-tracker.js';

export interface StageTwoEstimate {
  leafCalls: number;
  samples: number;
  promptTokens: number;
  completionTokens: number;
}

export interface RunSummary {
  /** `incomplete`: leaf calls failed after their retries; `treesynth run --resume` tries them again. */
  status: Exclude<RunStatus, 'running'>;
  /** Why the run failed, or why it is incomplete. */
  error?: string;
  nodes: number;
  splitNodes: number;
  leaves: number;
  leafReasons: Partial<Record<LeafReason, number>>;
  maxDepthReached: number;
  infiniteNodes: number;
  /** `deferred`: leaf calls handed to a batch job and still pending. */
  leafCalls: { planned: number; done: number; failed: number; deferred: number };
  samples: number;
  usage: UsageReport;
  elapsedMs: number;
  simulated: boolean;
  /** Set when `maxSamples` capped the dataset. */
  budget?: BudgetNote;
  /** With `treeOnly`: what stage two would cost. */
  estimate?: StageTwoEstimate;
  /** Set when resume found samples.jsonl out of step with the event log and repaired it. */
  repaired?: SamplesRepair;
  /** A baseline's run (docs/baselines.md): the method, and what it did in a few words. */
  method?: { name: string; note: string };
}

export interface OutcomeInput {
  /** The error that failed the run, if one did. */
  fatal: unknown;
  aborted: boolean;
  treeOnly: boolean;
  /** run.json's status and error when this session began. */
  before: { status: RunStatus; error?: string };
}

/** How the session ended, and the one line that says why where there is one. */
export function runOutcome(
  state: EngineState,
  { fatal, aborted, treeOnly, before }: OutcomeInput,
): { status: RunSummary['status']; error: string | undefined } {
  const status: RunSummary['status'] =
    fatal !== undefined
      ? 'failed'
      : aborted
        ? 'interrupted'
        : treeOnly
          ? treeOnlyStatus(state, before.status)
          : state.deferredCalls > 0
            ? 'awaiting-batch'
            : state.failedCalls > 0
              ? 'incomplete'
              : 'complete';
  const error =
    fatal !== undefined
      ? describeError(fatal)
      : state.failedCalls > 0
        ? failureNote(state)
        : status === before.status
          ? before.error
          : undefined;
  return { status, error };
}

/**
 * Stage one only: `tree-built`, unless stage two had begun, whose status it keeps (a finished run
 * stays finished; one stopped during stage two stays `interrupted`).
 */
function treeOnlyStatus(state: EngineState, before: RunStatus): RunSummary['status'] {
  if (before === 'complete' || before === 'incomplete' || before === 'awaiting-batch') return before;
  return state.madeCalls.size > 0 || state.failedBefore.size > 0 ? 'interrupted' : 'tree-built';
}

/** Why a run with failed leaf calls is incomplete, in one line. */
function failureNote({ failedCalls, samples, lastFailure }: EngineState): string {
  const calls = `${failedCalls} leaf call${failedCalls === 1 ? '' : 's'}`;
  return samples === 0
    ? `no samples: the endpoint gave no usable answer to ${failedCalls === 1 ? 'the one leaf call' : `any of the ${calls}`} (last: ${lastFailure})`
    : `${calls} failed after ${failedCalls === 1 ? 'its' : 'their'} retries (last: ${lastFailure})`;
}

export function describeError(error: unknown): string {
  if (TreeSynthError.isInstance(error)) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export interface SummaryInput {
  status: RunSummary['status'];
  error: string | undefined;
  elapsedMs: number;
  task: TaskDefinition;
  config: EngineConfig;
}

/** The run's summary: the tree's shape, the leaf calls by status, samples and usage. */
export function summarizeRun(
  state: EngineState,
  { status, error, elapsedMs, task, config }: SummaryInput,
): RunSummary {
  const { tree } = state;
  const leaves = tree.leaves();
  const leafReasons: Partial<Record<LeafReason, number>> = {};
  for (const leaf of leaves) {
    const reason = leaf.leafReason ?? 'max-depth';
    leafReasons[reason] = (leafReasons[reason] ?? 0) + 1;
  }
  const nodes = [...tree.nodes.values()];
  const summary: RunSummary = {
    status,
    ...(error === undefined ? {} : { error }),
    nodes: nodes.length,
    splitNodes: nodes.filter((node) => node.status === 'split').length,
    leaves: leaves.length,
    leafReasons,
    maxDepthReached: Math.max(0, ...leaves.map((leaf) => leaf.depth)),
    infiniteNodes: nodes.filter((node) => node.split?.infinite).length,
    leafCalls: {
      planned: state.leafCallsPlanned,
      done: state.doneCalls.size,
      failed: state.failedCalls,
      deferred: state.deferredCalls,
    },
    samples: state.samples,
    usage: state.usage.report(),
    elapsedMs: Math.round(elapsedMs),
    simulated: state.simulated,
  };
  if (state.budget) summary.budget = state.budget;
  if (state.repaired) summary.repaired = state.repaired;
  if (status === 'tree-built') summary.estimate = estimateStageTwo(tree, task, config);
  return summary;
}

/** Leaf calls and tokens stage two would cost: prompt sizes rendered exactly, answers sized by the pivots. */
export function estimateStageTwo(
  tree: PartitionTree,
  task: TaskDefinition,
  config: EngineConfig,
): StageTwoEstimate {
  const leaves = tree.leaves();
  const pivotLengths: number[] = [];
  for (const node of tree.nodes.values()) {
    for (const pivot of node.split?.pivots ?? []) pivotLengths.push(JSON.stringify(pivot).length);
  }
  const sampleChars =
    pivotLengths.length > 0
      ? pivotLengths.reduce((sum, length) => sum + length, 0) / pivotLengths.length
      : 400;
  const demands = leaves.map((leaf) => naturalDemand(leaf, config.synthesis));
  const targets = config.maxSamples === undefined ? demands : spreadBudget(demands, config.maxSamples);
  const estimate: StageTwoEstimate = { leafCalls: 0, samples: 0, promptTokens: 0, completionTokens: 0 };
  leaves.forEach((leaf, index) => {
    const sizes = callSizes(targets[index]!, config.synthesis.samplesPerCall);
    if (sizes.length === 0) return;
    const path: PathStep[] = drawPath(leaf.steps, () => 0).path;
    const promptChars = leafPrompt({
      task,
      path,
      count: config.synthesis.samplesPerCall,
      temperature: 1,
      callKey: '',
    })
      .map((message) => message.content.length)
      .reduce((sum, length) => sum + length, 0);
    estimate.leafCalls += sizes.length;
    estimate.samples += targets[index]!;
    estimate.promptTokens += estimateTokens(promptChars) * sizes.length;
    // Each call asks for its own size (see `LeafSampler`): the answers hold the leaf's target in all.
    estimate.completionTokens += estimateTokens(sampleChars * targets[index]!);
  });
  return estimate;
}
