import { formatRunSummary } from '@treesynth/core';
import type { BatchIngestReport } from './batch-jobs.js';
import type { ExportBatchResult } from './batch-pass.js';

/** `exportBatch`'s result, or `ingestBatch`'s (with what the results file gave). */
export type BatchResult = ExportBatchResult & { ingested?: BatchIngestReport };

export interface FormatBatchOptions {
  /** The results file ingested, named in the first line. */
  results?: string;
  /** How the reader continues the run (default: the `openRun` call). */
  resumeWith?: string;
  /** How the reader feeds the batch's results back (default: the `ingestBatch` call). */
  ingestWith?: string;
}

/** The result as JSON for scripts: the requests pending, the counts of an ingest, the run's summary and cost. */
export function batchResultJson(result: BatchResult): Record<string, unknown> {
  const { dir, requests, requestsFile, summary, cost, ingested: report } = result;
  const ingested = report && {
    stored: report.stored.length,
    alreadyStored: report.alreadyStored,
    failed: report.failed.length,
    foreign: report.foreign.count,
    duplicates: report.duplicates.length,
  };
  return { dir, requests, requestsFile, ...(ingested ? { ingested } : {}), ...summary, cost };
}

/**
 * The result as text: what an ingest stored and which lines failed in the batch (the first 20), the
 * run's summary, and the next step (run the requests written, or nothing is pending).
 */
export function formatBatchResult(result: BatchResult, options: FormatBatchOptions = {}): string {
  const { dir, requests, requestsFile, summary, cost, ingested: report } = result;
  const lines: string[] = [];
  if (report) {
    const already = report.alreadyStored > 0 ? `, ${report.alreadyStored} ingested before` : '';
    lines.push(
      `ingested ${report.stored.length} results from ${options.results ?? 'the results file'}; ${report.failed.length} failed in the batch${already}`,
      ...report.failed.slice(0, 20).map((entry) => `  line ${entry.line}: ${entry.error}`),
    );
  }
  const ingestWith = options.ingestWith ?? `ingestBatch({ dir: ${JSON.stringify(dir)}, results })`;
  const next =
    requests > 0
      ? `${requests} leaf calls written to ${requestsFile}\n  run them with the OpenAI Batch API or vLLM's batch runner, then: ${ingestWith}`
      : 'no leaf call is pending';
  const run = formatRunSummary(dir, summary, { cost, resumeWith: options.resumeWith });
  return `${lines.map((line) => `${line}\n`).join('')}${run}  ${next}\n`;
}
