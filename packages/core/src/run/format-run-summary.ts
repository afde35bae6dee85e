import type { RunSummary } from '../engine/run-summary.js';
import type { LeafReason } from '../tree/partition-tree.js';

/** A cost beside a run's usage, in the shape of @treesynth/providers' `estimateCost` result. */
export interface RunCostSummary {
  /** USD for the whole run; undefined when the model has no price. */
  total: number | undefined;
  stages: Record<string, number | undefined>;
  /** Why a figure is missing. */
  warnings: string[];
  price?: { source: string };
}

/** What a caller knows beside the summary, each a line when given. */
export interface RunSummaryExtras {
  cost?: RunCostSummary;
  /** Stage-two forecast in USD for a tree-only run. */
  forecastUSD?: number;
  /** Share of prompt characters repeated from the previous call of the same stage. */
  prefixShare?: Record<string, number>;
  /** How the reader continues the run (default: the `openRun` call). */
  resumeWith?: string;
}

export function thousands(value: number): string {
  // toLocaleString loads ICU's number formats on its first call (tens of ms of a CLI's start); the
  // integers a summary shows are grouped by hand, exactly as it groups them.
  if (!Number.isSafeInteger(value) || Object.is(value, -0)) return value.toLocaleString('en-US');
  return String(value).replace(/\B(?=(\d{3})+$)/g, ',');
}

/** "1 leaf", "83 leaves". */
function counted(value: number, one: string, many = `${one}s`): string {
  return `${thousands(value)} ${value === 1 ? one : many}`;
}

/** Why nodes became leaves, as words that cannot be read as a number. */
const LEAF_REASON_WORDS: Record<LeafReason, string> = {
  'max-depth': 'at the depth limit',
  'no-criterion': 'with no usable criterion',
  'too-few-values': 'with fewer than two values',
  'pivots-failed': 'whose pivots failed',
  'no-pivots': 'with no pivots',
};

/** "83 leaves (80 at the depth limit, 3 with no usable criterion)". */
function describeLeaves(leaves: number, reasons: RunSummary['leafReasons']): string {
  const parts = Object.entries(reasons).map(
    ([reason, count]) => `${thousands(count ?? 0)} ${LEAF_REASON_WORDS[reason as LeafReason] ?? reason}`,
  );
  const noun = counted(leaves, 'leaf', 'leaves');
  return parts.length > 0 ? `${noun} (${parts.join(', ')})` : noun;
}

function costLine(cost: RunCostSummary, simulated: boolean): string | undefined {
  if (cost.total === undefined) return simulated ? undefined : `cost: unknown (${cost.warnings.join('; ')})`;
  const stages = Object.entries(cost.stages)
    .map(([stage, usd]) => `${stage} $${(usd ?? 0).toFixed(4)}`)
    .join(', ');
  const source = cost.price?.source === 'override' ? 'your price file' : 'the built-in table';
  const label = simulated ? 'cost if a real model had answered (simulated: nothing was paid)' : 'cost';
  return `${label}: $${cost.total.toFixed(4)} (${stages}; prices of ${source})`;
}

/**
 * A run's summary as text for people, one fact a line: status, tree, samples, calls and tokens per
 * stage, cost, the stage-two forecast of a tree-only run, and how to continue a stopped one.
 */
export function formatRunSummary(dir: string, summary: RunSummary, extras: RunSummaryExtras = {}): string {
  const resume = extras.resumeWith ?? `openRun({ out: ${JSON.stringify(dir)}, resume: true })`;
  const simulated = summary.simulated === true;
  const label = simulated ? ' (SIMULATED LLM: the samples are synthetic placeholders, not model output)' : '';
  const lines = [`run ${summary.status}${label}: ${dir}`];
  if (summary.error)
    lines.push(`  ${summary.status === 'incomplete' ? 'incomplete' : 'error'}: ${summary.error}`);
  if (summary.method) lines.push(`  method: ${summary.method.name} (${summary.method.note})`);
  else
    lines.push(
      `  tree: ${counted(summary.nodes, 'node')}, ${thousands(summary.splitNodes)} split, ${describeLeaves(summary.leaves, summary.leafReasons)}, deepest leaf at depth ${summary.maxDepthReached}, ${counted(summary.infiniteNodes, 'infinite split')}`,
    );
  const calls = summary.leafCalls;
  if (calls.planned === 0 && summary.status !== 'tree-built') {
    // Stage one run again on a run past it: the dataset as it stands.
    lines.push(`  samples: ${thousands(summary.samples)}`);
  } else if (summary.status !== 'tree-built') {
    const failed =
      (calls.failed > 0 ? `, ${calls.failed} failed (see events.jsonl)` : '') +
      (calls.deferred > 0 ? `, ${calls.deferred} waiting for a batch job` : '');
    lines.push(
      `  samples: ${thousands(summary.samples)} from ${thousands(calls.done - calls.failed)}/${thousands(calls.planned)} leaf calls made${failed}`,
    );
  }
  if (summary.budget) lines.push(`  ${summary.budget.message}`);
  const { total, stages } = summary.usage;
  lines.push(
    `  calls: ${thousands(total.calls)} paid, ${thousands(total.cachedCalls)} from cache; tokens: ${thousands(total.promptTokens)} prompt (${thousands(total.cachedPromptTokens)} prefix-cached), ${thousands(total.completionTokens)} completion`,
  );
  for (const [stage, counts] of Object.entries(stages)) {
    lines.push(
      `    ${stage.padEnd(10)} ${thousands(counts.calls)} calls, ${thousands(counts.promptTokens + counts.completionTokens)} tokens`,
    );
  }
  if (extras.prefixShare) {
    const shares = Object.entries(extras.prefixShare).map(
      ([stage, share]) => `${stage} ${Math.round(share * 100)}%`,
    );
    lines.push(`  prompt prefix shared with the previous call of the stage: ${shares.join(', ')}`);
  }
  const cost = extras.cost && costLine(extras.cost, simulated);
  if (cost) lines.push(`  ${cost}`);
  if (summary.estimate) {
    const estimate = summary.estimate;
    lines.push(
      `  stage two would make ${thousands(estimate.leafCalls)} leaf calls for ${thousands(estimate.samples)} samples: about ${thousands(estimate.promptTokens)} prompt + ${thousands(estimate.completionTokens)} completion tokens`,
    );
    if (extras.forecastUSD !== undefined)
      lines.push(`  at list prices that is about $${extras.forecastUSD.toFixed(2)}`);
    lines.push(`  continue with: ${resume}`);
  }
  if (summary.status === 'interrupted' || summary.status === 'failed') lines.push(`  resume with: ${resume}`);
  if (summary.status === 'incomplete') {
    const what = calls.failed > 0 ? counted(calls.failed, 'failed leaf call') : 'failed leaf calls';
    lines.push(`  retry the ${what} with: ${resume}`);
  }
  lines.push(`  elapsed: ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
