import { formatRunSummary } from '@treesynth/core';
import { formatCuration, formatExportResult, formatTarget } from '@treesynth/curate';
import type { RunDemoResult } from './run-demo.js';

/**
 * A run's result as plain data: the summary's fields at the top, then curation, target and export
 * (the demo's first sample left out: it is in samples.jsonl).
 */
export function runAndCurateJson(result: RunDemoResult): Record<string, unknown> {
  const { dir, summary, curation, target, exported, firstSample: _shown, ...extras } = result;
  return {
    dir,
    ...summary,
    ...extras,
    ...(curation ? { curation: curation.summary } : {}),
    ...(target ? { target: { ...target, curation: undefined } } : {}),
    ...(exported ? { export: exported } : {}),
  };
}

/**
 * A run's result as text: the run summary, its curation, its target size, its export, and the
 * demo's first sample. `hints` word what to do next in the caller's terms (a command line, a call).
 */
export function formatRunAndCurate(
  result: RunDemoResult,
  hints: { resumeWith?: string; raiseTarget?: string } = {},
): string {
  const { dir, summary, curation, target, exported, firstSample, ...extras } = result;
  const sample = firstSample && (firstSample.length > 400 ? `${firstSample.slice(0, 400)}…` : firstSample);
  return [
    formatRunSummary(dir, summary, { ...extras, resumeWith: hints.resumeWith }),
    curation ? formatCuration(curation) : '',
    target ? formatTarget(target, hints.raiseTarget) : '',
    exported ? formatExportResult(exported, { short: true }) : '',
    sample ? `  first sample: ${sample}\n` : '',
  ].join('');
}
