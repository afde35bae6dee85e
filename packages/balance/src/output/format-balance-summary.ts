import type { BalanceResult } from '../balance-dataset.js';

function formatNumber(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(3);
}

/**
 * A balance's result as text for people: rows read, routed and bad, leaves covered and entropy before
 * and after, what was kept, dropped and synthesized, and the files written. `JSON.stringify(result)`
 * is the form for programs.
 */
export function formatBalanceSummary(result: BalanceResult): string {
  const { totals, before, after } = result;
  const label = !result.simulated
    ? ''
    : result.dryRun
      ? ' (simulated LLM)'
      : ' (SIMULATED LLM: synthesized rows are placeholders, not model output)';
  const lines = [`balance ${result.dryRun ? 'planned (dry run)' : 'done'}${label}: ${result.dir}`];
  const bad =
    result.data.bad > 0
      ? `, ${result.data.bad} bad (lines ${result.data.badLines.slice(0, 5).join(', ')}${result.data.bad > 5 ? ', …' : ''})`
      : '';
  lines.push(
    `  rows: ${result.data.rows} read${bad}, ${totals.routed} routed, ${totals.unrouted} unrouted (router: ${result.router.kind}${result.router.embedder ? `, ${result.router.embedder}` : ''}${result.router.stats.llmCalls > 0 ? `, ${result.router.stats.llmCalls} LLM calls` : ''})`,
  );
  const arrow = result.dryRun ? '→ planned' : '→';
  lines.push(
    `  leaves covered: ${before.coveredLeaves} ${arrow} ${after.coveredLeaves} of ${before.leaves}; normalised leaf entropy: ${formatNumber(before.normalizedEntropy)} ${arrow} ${formatNumber(after.normalizedEntropy)}`,
  );
  lines.push(
    result.dryRun
      ? `  plan: keep ${totals.kept}, drop ${totals.dropped}, synthesize ${totals.synthesize}${totals.unfilled ? ` (${totals.unfilled} over the caps)` : ''}`
      : `  kept ${totals.kept}, dropped ${totals.dropped}, synthesized ${totals.synthesized} of ${totals.synthesize}: ${totals.out} rows out`,
  );
  if (result.shortLeaves > 0)
    lines.push(`  ${result.shortLeaves} leaves short of their target (see plan.json)`);
  lines.push(`  files: ${result.files.join(', ')}`);
  return `${lines.join('\n')}\n`;
}
