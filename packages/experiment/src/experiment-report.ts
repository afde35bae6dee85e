import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { ConfigError } from '@treesynth/core';
import { writeFileAtomic } from '@treesynth/core/internal';
import { buildReport, compareBench, formatBenchTable, type MetricTable, writeReport } from '@treesynth/eval';
import { createEmbedder } from '@treesynth/providers';
import { z } from 'zod';
import type { MethodContext } from './method-steps.js';

/** The report page, in the experiment folder. */
export const REPORT_FILE = 'report.html';
/** The report's metric table as JSON (methods as columns), read back by a rerun. */
export const DIVERSITY_FILE = 'diversity.json';

const metricTableSchema = z.object({
  columns: z.array(z.string()),
  rows: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      description: z.string().optional(),
      direction: z.string().optional(),
      values: z.array(z.number().nullable()),
    }),
  ),
});

export function readDiversity(out: string): MetricTable {
  const file = join(out, DIVERSITY_FILE);
  const parsed = metricTableSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new ConfigError({ path: file, message: 'not a diversity table; delete it to redo the report' });
  return parsed.data as MetricTable;
}

/** A method's final rows: curated.jsonl when curation ran, else the run's samples. */
export function finalRows(context: MethodContext, dir: string): string {
  const curated = join(context.out, dir, 'curated.jsonl');
  return existsSync(curated) ? curated : join(context.out, dir, 'samples.jsonl');
}

/**
 * The comparison report: every method's final rows, cut by a seeded draw to the smallest method's
 * count so all are measured at one size, embedded by the one embedder; the metric table (the paper's
 * diversity row, mean pairwise cosine, first) and a joint t-SNE map coloured by method.
 */
export async function writeExperimentReport(
  context: MethodContext,
  simulated: boolean,
): Promise<{ table: MetricTable; rowsPerMethod: number }> {
  const { state, options } = context;
  const rowsPerMethod = Math.min(
    ...state.methods.map((method) => method.curate?.rows ?? method.run?.rows ?? 0),
  );
  const built = await buildReport({
    datasets: state.methods.map((method) => ({ name: method.name, path: finalRows(context, method.dir) })),
    embedder: createEmbedder(state.embedder),
    ...(rowsPerMethod >= 2 ? { limit: rowsPerMethod } : {}),
    seed: context.config.seed,
    maxPoints: options.maxPoints,
    title: `Experiment ${state.name}: ${state.methods.map((method) => method.name).join(' vs ')}`,
    generatedAt: new Date(state.createdAt),
    signal: options.signal,
  });
  const input = {
    ...built.input,
    simulated: built.input.simulated || simulated,
    notes: [
      `Every method made ${state.dataSize} rows with ${state.modelId} and the same settings, was curated alike, and is measured on ${rowsPerMethod} rows (a seeded draw) with one embedder, ${state.embedder}. Mean pairwise cosine is the paper's diversity score: lower is more diverse.`,
      ...(simulated
        ? [
            'SIMULATED: the rows come from treesynth sim, a placeholder LLM. These numbers test the pipeline; they say nothing about the methods.',
          ]
        : []),
      ...(built.input.notes ?? []),
    ],
  };
  await writeReport(join(context.out, REPORT_FILE), input);
  await writeFileAtomic(join(context.out, DIVERSITY_FILE), `${JSON.stringify(input.metrics, null, 2)}\n`);
  return { table: input.metrics as MetricTable, rowsPerMethod };
}

/**
 * `treesynth bench` result folders side by side in the paper's layout, each row named by the method
 * whose name its folder carries (else by the model, as compareBench names it).
 */
export function benchTable(dirs: readonly string[], methods: readonly string[]): string {
  const { rows } = compareBench({ dirs: [...dirs] });
  const named = rows.map((row) => {
    const folder = basename(resolve(row.dir));
    const method = methods.find((name) => folder === name || folder.endsWith(`-${name}`));
    return { ...row, label: method ?? row.label };
  });
  return formatBenchTable(named);
}
