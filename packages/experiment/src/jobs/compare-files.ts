import { resolve } from 'node:path';
import { checkOutputPath, parseOptions } from '@treesynth/core/internal';
import {
  type BuiltReport,
  buildReport,
  buildReportOptionsSchema,
  compareDatasets,
  compareDatasetsOptionsSchema,
  type DatasetComparison,
  datasetInputFromArgument,
  defaultReportFile,
  writeReport,
} from '@treesynth/eval';
import {
  createEmbedder,
  EMBEDDER_SPECS,
  embedderSpecOptionsSchema,
  withEmbeddingCache,
} from '@treesynth/providers';
import { z } from 'zod';

const EMBEDDER = embedderSpecOptionsSchema.shape;

/** `compareDatasets`'s options with the datasets named by path and the embedder by its spec. */
export const compareFilesOptionsSchema = compareDatasetsOptionsSchema
  .omit({ datasets: true, embedder: true })
  .extend({
    /** Run folders or JSONL/JSON files, each `name=path` to name its column. */
    sources: z.array(z.string().min(1)).min(1, 'name at least one run folder or dataset file'),
    embedder: EMBEDDER.embedder.describe(
      `embedder for the embedding metrics: ${EMBEDDER_SPECS.join(', ')}, or none`,
    ),
    cacheDir: EMBEDDER.cacheDir,
  });

export type CompareFilesOptions = z.input<typeof compareFilesOptionsSchema>;

/** `compareFiles`'s options, where the report goes and the page's own. */
export const reportFilesOptionsSchema = compareFilesOptionsSchema.extend({
  out: z
    .string()
    .min(1)
    .optional()
    .describe('where to write it (default: <run>/report.html for one run, else ./treesynth-report.html)'),
  maxPoints: buildReportOptionsSchema.shape.maxPoints,
  title: buildReportOptionsSchema.shape.title,
});

export type ReportFilesOptions = z.input<typeof reportFilesOptionsSchema>;

/** Run `job` with the datasets of `sources` and the embedder of `spec` (behind its cache), then close the embedder. */
async function withDatasets<T>(
  options: z.output<typeof compareFilesOptionsSchema>,
  job: (datasets: Omit<z.input<typeof compareDatasetsOptionsSchema>, 'signal' | 'onProgress'>) => Promise<T>,
): Promise<T> {
  const { sources, embedder: spec, cacheDir, signal: _signal, onProgress: _progress, ...rest } = options;
  if (cacheDir !== undefined) checkOutputPath(cacheDir, { flag: 'cacheDir', kind: 'folder' });
  const embedder = spec === 'none' ? undefined : createEmbedder(spec, { cacheDir });
  try {
    return await job({
      ...rest,
      datasets: sources.map(datasetInputFromArgument),
      ...(embedder ? { embedder: withEmbeddingCache(embedder, cacheDir) } : {}),
    });
  } finally {
    await (embedder as { close?: () => Promise<void> } | undefined)?.close?.();
  }
}

/**
 * Datasets compared on every diversity metric, as `treesynth eval diversity` does it: each source a
 * run folder or a JSONL/JSON file (`name=path` names its column), embedded with one embedder named
 * by its spec (`'none'`: the text metrics only), its vectors cached in `cacheDir`.
 *
 * ```ts
 * const comparison = await compareFiles({ sources: ['human=train.jsonl', 'runs/gsm8k'], embedder: 'hashing' });
 * ```
 */
export async function compareFiles(input: CompareFilesOptions): Promise<DatasetComparison> {
  const options = parseOptions(compareFilesOptionsSchema, input);
  const { signal, onProgress } = options;
  return withDatasets(options, (datasets) => compareDatasets({ ...datasets, signal, onProgress }));
}

/**
 * The self-contained HTML report of `buildReport` for the sources of `compareFiles`, written to
 * `out` (default: `<run>/report.html` for one run folder, else `./treesynth-report.html`), as
 * `treesynth report` does it. Gives the file with what the report holds.
 */
export async function reportFiles(
  input: ReportFilesOptions,
): Promise<Omit<BuiltReport, 'input'> & { file: string }> {
  const { out, maxPoints, title, ...options } = parseOptions(reportFilesOptionsSchema, input);
  const file = resolve(out ?? defaultReportFile(options.sources));
  checkOutputPath(out ?? file, { flag: 'out', kind: 'file' });
  const { signal, onProgress } = options;
  const { input: page, ...report } = await withDatasets(options, (datasets) =>
    buildReport({ ...datasets, maxPoints, title, signal, onProgress }),
  );
  await writeReport(file, page);
  return { file, ...report };
}
