import type { DatasetComparison } from './compare-datasets.js';
import type { MetricTable } from './metric-table.js';

function formatValue(value: number | null, count: boolean): string {
  if (value === null) return '–';
  if (count) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toFixed(4);
}

/** The table as aligned text, with ↓/↑ for the direction that is more diverse. */
export function formatMetricTable(table: MetricTable): string {
  const header = ['metric', ...table.columns];
  const body = table.rows.map((row) => [
    `${row.name}${row.direction === 'lower is more diverse' ? ' ↓' : row.direction ? ' ↑' : ''}`,
    ...row.values.map((value) => formatValue(value, row.id === 'samples')),
  ]);
  const widths = header.map((_, column) =>
    Math.max(...[header, ...body].map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((width) => '-'.repeat(width))),
    ...body.map(line),
    '',
    '↓ lower is more diverse, ↑ higher is more diverse',
  ].join('\n');
}

/**
 * A comparison as text for people: the embedder, the metric table, and which datasets a simulated
 * LLM made. `JSON.stringify(comparison)` is the form for programs.
 */
export function formatComparison({ embedder, datasets, table }: DatasetComparison): string {
  const simulated = datasets.filter((dataset) => dataset.simulated).map((dataset) => dataset.name);
  return [
    `Diversity${embedder ? ` (embeddings: ${embedder})` : ' (text metrics only)'}`,
    '',
    formatMetricTable(table),
    ...(simulated.length > 0
      ? [`simulated LLM output (placeholders, not model-quality data): ${simulated.join(', ')}`]
      : []),
    '',
  ].join('\n');
}
