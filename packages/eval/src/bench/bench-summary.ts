import type { BenchmarkFigures, BenchRecord, BenchSummary } from './bench-files.js';
import type { BenchmarkName } from './benchmark.js';
import { passAtK } from './pass-at-k.js';

/** `pass@k` as the key of a score. */
export const passKey = (k: number): string => `pass@${k}`;

/**
 * One benchmark's figures from its records: for each metric and k, the mean over problems of the
 * unbiased pass@k estimate with n = the problem's samples and c = the samples the metric judged
 * correct. With one sample and k = 1 this is plain accuracy.
 */
export function benchmarkFigures(
  records: readonly BenchRecord[],
  metrics: readonly string[],
  options: { k: readonly number[]; samples: number; failed: number },
): BenchmarkFigures {
  const scores: Record<string, Record<string, number>> = {};
  for (const metric of metrics) {
    scores[metric] = {};
    for (const k of options.k) {
      let total = 0;
      for (const record of records) {
        const correct = record.verdicts.filter((verdict) => verdict[metric] === true).length;
        total += passAtK(record.outputs.length, correct, k);
      }
      scores[metric][passKey(k)] = records.length === 0 ? 0 : total / records.length;
    }
  }
  return {
    problems: records.length,
    failed: options.failed,
    samples: options.samples,
    metrics: [...metrics],
    scores,
  };
}

/** Per k, the mean over the benchmarks of each one's headline metric (its first). */
export function averageFigures(
  benchmarks: Partial<Record<BenchmarkName, BenchmarkFigures>>,
  k: readonly number[],
): Record<string, number> {
  const present = Object.values(benchmarks).filter((figures) => figures.problems > 0);
  const average: Record<string, number> = {};
  for (const value of k) {
    const key = passKey(value);
    const headline = present.map((figures) => figures.scores[figures.metrics[0]!]?.[key] ?? 0);
    average[key] = headline.length === 0 ? 0 : headline.reduce((a, b) => a + b, 0) / headline.length;
  }
  return average;
}

/** Columns in the paper's order. */
const COLUMNS: readonly { name: BenchmarkName; title: string }[] = [
  { name: 'gsm8k', title: 'GSM8K (strict / flexible)' },
  { name: 'math', title: 'MATH' },
  { name: 'mbpp', title: 'MBPP' },
  { name: 'humaneval', title: 'HumanEval' },
];

const percent = (value: number | undefined) => (value === undefined ? '–' : (value * 100).toFixed(1));

function cell(name: BenchmarkName, figures: BenchmarkFigures | undefined, key: string): string {
  if (!figures || figures.problems === 0) return '–';
  const score = (metric: string) => figures.scores[metric]?.[key];
  if (name === 'gsm8k' && 'strict' in figures.scores && 'flexible' in figures.scores)
    return `${percent(score('strict'))} / ${percent(score('flexible'))}`;
  return percent(score(figures.metrics[0]!));
}

/**
 * The paper's layout as markdown: one row per result, columns GSM8K (strict / flexible), MATH,
 * MBPP, HumanEval, Avg (the mean of the headline metrics), in percent; one table per k.
 */
export function formatBenchTable(rows: readonly { label: string; summary: BenchSummary }[]): string {
  const ks = [...new Set(rows.flatMap((row) => row.summary.k))].sort((a, b) => a - b);
  const used = COLUMNS.filter((column) => rows.some((row) => row.summary.benchmarks[column.name]));
  const lines: string[] = [];
  for (const k of ks) {
    const key = passKey(k);
    if (ks.length > 1 || k !== 1) lines.push(`### ${key}`, '');
    lines.push(
      `| Model | ${used.map((column) => column.title).join(' | ')} | Avg |`,
      `|---|${used.map(() => '---:|').join('')}---:|`,
    );
    for (const { label, summary } of rows) {
      const cells = used.map((column) => cell(column.name, summary.benchmarks[column.name], key));
      const average = summary.k.includes(k) ? percent(summary.average[key]) : '–';
      lines.push(`| ${label.replaceAll('|', '\\|')} | ${cells.join(' | ')} | ${average} |`);
    }
    lines.push('');
  }
  const problems = used.map((column) => {
    const counts = rows.map((row) => row.summary.benchmarks[column.name]?.problems ?? 0);
    return `${column.title.split(' ')[0]} ${[...new Set(counts)].join('/')}`;
  });
  lines.push(`Problems: ${problems.join(', ')}. Avg: mean of each benchmark's headline metric.`);
  const simulated = rows.filter((row) => row.summary.simulated).map((row) => row.label);
  if (simulated.length > 0)
    lines.push(
      `Simulated LLM (TreeSynth simulator; placeholders, not model-quality data): ${simulated.join(', ')}.`,
    );
  return `${lines.join('\n')}\n`;
}
