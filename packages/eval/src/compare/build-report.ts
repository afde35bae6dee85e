import { parseOptions } from '@treesynth/core/internal';
import { z } from 'zod';
import type { ReportDataset, ReportInput } from '../report/report-input.js';
import {
  compareDatasetsOptionsSchema,
  comparisonTable,
  embedderName,
  scoreDatasets,
} from './compare-datasets.js';
import { jointTsne } from './joint-tsne.js';
import { reportTree } from './report-tree.js';

/** The options of `buildReport`: those of `compareDatasets` and the page's own. */
export const buildReportOptionsSchema = compareDatasetsOptionsSchema.extend({
  maxPoints: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(20_000)
    .describe('points in the t-SNE map, shared over the datasets; 0 leaves the map out'),
  title: z.string().min(1).optional().describe('the page title (default: TreeSynth report: a vs b)'),
  /** When the numbers were computed; default now. */
  generatedAt: z.date().optional(),
});

export type BuildReportOptions = z.input<typeof buildReportOptionsSchema>;

export interface BuiltReport {
  /** What `writeReport(file, input)` draws. */
  input: ReportInput;
  /** The dataset names, in column order. */
  datasets: string[];
  /** Points on the t-SNE map (0 without one). */
  points: number;
  /** The map's final KL divergence, or null without a map. */
  kl: number | null;
}

/**
 * Everything a diversity report shows: the datasets scored as by `compareDatasets`, a joint t-SNE
 * map of a seeded subset of at most `maxPoints` rows (with an embedder), the first run's tree and
 * leaf sizes, and notes. Write it with `writeReport(file, report.input)`.
 */
export async function buildReport(options: BuildReportOptions): Promise<BuiltReport> {
  const parsed = parseOptions(buildReportOptionsSchema, options);
  const { maxPoints, seed, embedder } = parsed;
  // The t-SNE draws from the whole matrix, so it is held in memory here.
  const scored = await scoreDatasets(parsed, maxPoints > 0 && embedder !== undefined);
  const map =
    maxPoints > 0 && embedder
      ? await jointTsne(
          scored.map(({ embeddings }) => embeddings),
          { maxPoints, seed, signal: parsed.signal, onProgress: parsed.onProgress },
        )
      : undefined;
  const datasets = scored.map(({ dataset }) => dataset);
  let offset = 0;
  const reportDatasets: ReportDataset[] = datasets.map((dataset, index) => {
    const pick = map ? map.picks[index]! : [];
    const start = offset;
    offset += pick.length;
    const select = <T>(values: readonly T[]) => pick.map((row) => values[row]!);
    return {
      name: dataset.name,
      samples: dataset.texts.length,
      texts: select(dataset.texts),
      ...(map ? { points: { x: map.x.subarray(start, offset), y: map.y.subarray(start, offset) } } : {}),
      ...(dataset.leafPaths ? { leafPaths: select(dataset.leafPaths) } : {}),
      ...(dataset.branches ? { branch: select(dataset.branches) } : {}),
    };
  });
  const withTree = datasets.find((dataset) => dataset.tree && dataset.leafIds);
  const names = datasets.map((dataset) => dataset.name);
  const simulated = datasets.filter((dataset) => dataset.simulated).map((dataset) => dataset.name);
  const embedderLabel = embedderName(embedder);
  const input: ReportInput = {
    title: parsed.title ?? `TreeSynth report: ${names.join(' vs ')}`,
    generatedAt: parsed.generatedAt ?? new Date(),
    simulated: simulated.length > 0,
    datasets: reportDatasets,
    ...(withTree ? { tree: reportTree(withTree.tree!, withTree.leafIds!, withTree.name) } : {}),
    metrics: comparisonTable(scored),
    notes: [
      embedderLabel
        ? `Embeddings: ${embedderLabel}. t-SNE: ${map ? `${map.x.length} points (a seeded subset), perplexity 30, 1000 iterations, final KL ${map.kl.toFixed(3)}` : 'not drawn'}.`
        : 'No embedder: text metrics only, no t-SNE map.',
      ...(withTree ? [`The sunburst and leaf histogram show the tree of ${withTree.name}.`] : []),
      ...(simulated.length > 0
        ? [`Made by the simulated LLM (placeholder text, not model quality): ${simulated.join(', ')}.`]
        : []),
      ...datasets.filter((dataset) => dataset.problems).map((dataset) => dataset.problems),
    ],
  };
  return { input, datasets: names, points: map?.x.length ?? 0, kl: map?.kl ?? null };
}
