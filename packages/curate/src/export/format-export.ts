import type { ExportResult } from './export-dataset.js';

/**
 * An export as text: the rows written and where, each split's files, the fields used, what was left
 * out, and the hub it went to. `short`: one line, for a job that ends with an export (a run, a curation).
 */
export function formatExportResult(result: ExportResult, options: { short?: boolean } = {}): string {
  if (options.short) {
    const splits = result.splits.map((split) => `${split.name} ${split.rows}`).join(', ');
    return `export (${result.format}): ${result.out} (${splits} rows)\n`;
  }
  const rows = result.splits.reduce((sum, split) => sum + split.rows, 0);
  const simulated = result.simulated ? ' (SIMULATED LLM rows: placeholders, not model output)' : '';
  return [
    `exported ${rows} rows as ${result.format}${simulated}: ${result.out}`,
    ...result.splits.map(
      (split) =>
        `  ${split.name}: ${split.rows} rows (${split.file}, provenance in ${split.name}.provenance.jsonl)`,
    ),
    `  prompt: ${result.promptFields.join(' + ')}; response: ${result.responseField}`,
    ...result.emptySplits.map((split) => `  ${split}: no rows (too few rows for its share), not written`),
    ...(result.unanswered > 0
      ? [`  left out: ${result.unanswered} rows without "${result.responseField}"`]
      : []),
    '  card: README.md; LLaMA-Factory: dataset_info.json',
    ...(result.pushed
      ? [`  pushed to ${result.pushed.url}${result.pushed.created ? ' (created, private)' : ''}`]
      : []),
    '',
  ].join('\n');
}
