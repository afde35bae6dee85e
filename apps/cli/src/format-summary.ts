import type { LeafReason, RunSummary } from '@treesynth/core';
import type { JobResult } from './run-job.js';

function thousands(value: number): string {
  return value.toLocaleString('en-US');
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
export function describeLeaves(leaves: number, reasons: RunSummary['leafReasons']): string {
  const parts = Object.entries(reasons).map(
    ([reason, count]) => `${thousands(count ?? 0)} ${LEAF_REASON_WORDS[reason as LeafReason] ?? reason}`,
  );
  const noun = counted(leaves, 'leaf', 'leaves');
  return parts.length > 0 ? `${noun} (${parts.join(', ')})` : noun;
}

/** The end-of-run report for people; `--json` prints the summary object instead. */
export function formatSummary(
  dir: string,
  summary: RunSummary,
  extras: Omit<JobResult, 'dir' | 'summary'> = {},
): string {
  const lines: string[] = [];
  const label = summary.simulated
    ? ' (SIMULATED LLM: the samples are synthetic placeholders, not model output)'
    : '';
  lines.push(`run ${summary.status}${label}: ${dir}`);
  if (summary.error)
    lines.push(`  ${summary.status === 'incomplete' ? 'incomplete' : 'error'}: ${summary.error}`);
  lines.push(
    `  tree: ${counted(summary.nodes, 'node')}, ${thousands(summary.splitNodes)} split, ${describeLeaves(summary.leaves, summary.leafReasons)}, deepest leaf at depth ${summary.maxDepthReached}, ${counted(summary.infiniteNodes, 'infinite split')}`,
  );
  if (summary.leafCalls.planned === 0 && summary.status !== 'tree-built') {
    // Stage one run again on a run past it: the dataset as it stands.
    lines.push(`  samples: ${thousands(summary.samples)}`);
  } else if (summary.status !== 'tree-built') {
    const failed =
      (summary.leafCalls.failed > 0 ? `, ${summary.leafCalls.failed} failed (see events.jsonl)` : '') +
      (summary.leafCalls.deferred > 0 ? `, ${summary.leafCalls.deferred} waiting for a batch job` : '');
    lines.push(
      `  samples: ${thousands(summary.samples)} from ${thousands(summary.leafCalls.done - summary.leafCalls.failed)}/${thousands(summary.leafCalls.planned)} leaf calls made${failed}`,
    );
  }
  if (summary.budget) lines.push(`  ${summary.budget.message}`);
  const usage = summary.usage;
  lines.push(
    `  calls: ${thousands(usage.total.calls)} paid, ${thousands(usage.total.cachedCalls)} from cache; tokens: ${thousands(usage.total.promptTokens)} prompt (${thousands(usage.total.cachedPromptTokens)} prefix-cached), ${thousands(usage.total.completionTokens)} completion`,
  );
  for (const [stage, counts] of Object.entries(usage.stages)) {
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
  if (extras.cost) {
    const cost = extras.cost;
    if (cost.total === undefined) {
      if (!summary.simulated) lines.push(`  cost: unknown (${cost.warnings.join('; ')})`);
    } else {
      const stages = Object.entries(cost.stages)
        .map(([stage, usd]) => `${stage} $${(usd ?? 0).toFixed(4)}`)
        .join(', ');
      const source = cost.price?.source === 'override' ? 'your price file' : 'the built-in table';
      const label = summary.simulated
        ? 'cost if a real model had answered (simulated: nothing was paid)'
        : 'cost';
      lines.push(`  ${label}: $${cost.total.toFixed(4)} (${stages}; prices of ${source})`);
    }
  }
  if (summary.estimate) {
    const estimate = summary.estimate;
    lines.push(
      `  stage two would make ${thousands(estimate.leafCalls)} leaf calls for ${thousands(estimate.samples)} samples: about ${thousands(estimate.promptTokens)} prompt + ${thousands(estimate.completionTokens)} completion tokens`,
    );
    if (extras.forecastUSD !== undefined)
      lines.push(`  at list prices that is about $${extras.forecastUSD.toFixed(2)}`);
    lines.push(`  continue with: treesynth run --resume --out ${dir}`);
  }
  if (summary.status === 'interrupted' || summary.status === 'failed')
    lines.push(`  resume with: treesynth run --resume --out ${dir}`);
  if (summary.status === 'incomplete') {
    lines.push(
      `  retry the ${summary.leafCalls.failed > 0 ? counted(summary.leafCalls.failed, 'failed leaf call') : 'failed leaf calls'} with: treesynth run --resume --out ${dir}`,
    );
  }
  lines.push(`  elapsed: ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}
