import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { parseOptions } from '@treesynth/core/internal';
import { z } from 'zod';
import { BENCH_FILES, type BenchSummary, benchSummarySchema, readBenchFile } from './bench-files.js';
import { formatBenchTable } from './bench-summary.js';

export const compareBenchOptionsSchema = z.object({
  /** Result folders of `runBench`, one row each. */
  dirs: z.array(z.string().min(1)).min(1, 'give at least one result folder'),
});
export type CompareBenchOptions = z.input<typeof compareBenchOptionsSchema>;

export interface BenchComparison {
  /** One row per folder: the model's name (with the folder's name when two rows share a model). */
  rows: { label: string; dir: string; summary: BenchSummary }[];
  /** The paper-layout markdown table of all rows. */
  table: string;
}

/** Several result folders side by side, in the layout of `summary.md`. */
export function compareBench(input: CompareBenchOptions): BenchComparison {
  const { dirs } = parseOptions(compareBenchOptionsSchema, input);
  const loaded = dirs.map((dir) => {
    if (!existsSync(dir) || !statSync(dir).isDirectory())
      throw new ConfigError({ path: dir, message: 'no such result folder' });
    const summary = readBenchFile(dir, BENCH_FILES.summary, benchSummarySchema, 'bench summary');
    if (!summary)
      throw new ConfigError({
        path: dir,
        message: `no ${BENCH_FILES.summary} (not a finished bench folder)`,
      });
    return { dir, summary };
  });
  const rows = loaded.map(({ dir, summary }) => {
    const shared = loaded.filter((other) => other.summary.model === summary.model).length > 1;
    return { label: shared ? `${summary.model} (${basename(resolve(dir))})` : summary.model, dir, summary };
  });
  return { rows, table: formatBenchTable(rows) };
}
