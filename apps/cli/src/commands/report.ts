import { resolve } from 'node:path';
import { checkOutputPath, type SerializedTree } from '@treesynth/core';
import {
  type ReportDataset,
  type ReportInput,
  type ReportTree,
  type ReportTreeNode,
  tsne,
  writeReport,
} from '@treesynth/eval';
import { DEFAULT_OFFLINE_EMBEDDER } from '@treesynth/providers';
import { defineCommand, integerOption, type ParsedValues, stringOption, wholeNumber } from '../command.js';
import { type ComparedDataset, compareDatasets, metricTable } from '../compare-datasets.js';
import { type LoadedDataset, loadDatasets, sampleIndices } from '../datasets.js';
import { EXIT } from '../exit-codes.js';
import { interruptSignal } from '../interrupt.js';
import { DATASET_OPTIONS } from './eval.js';
import { numberFlag } from './job-options.js';

const DEFAULT_MAX_POINTS = 20_000;

/** The run's tree for the sunburst: a node per tree node, leaves sized by their samples. */
export function reportTree(tree: SerializedTree, leafIds: readonly string[], rootLabel: string): ReportTree {
  const counts = new Map<string, number>();
  for (const leafId of leafIds) counts.set(leafId, (counts.get(leafId) ?? 0) + 1);
  const nodes: ReportTreeNode[] = tree.nodes.map((node) => {
    const step = node.steps.at(-1);
    const label = !step
      ? rootLabel
      : step.infinite
        ? `${step.dimension}: any of ${step.values.length}`
        : `${step.dimension}: ${step.value}`;
    return { id: node.id, parentId: node.parentId, label, samples: counts.get(node.id) ?? 0 };
  });
  return { nodes };
}

/**
 * The points of a joint t-SNE: up to `maxPoints` rows in all, shared out evenly over the datasets
 * (a dataset smaller than its share gives the rest to the others), embedded together so the
 * datasets share one map.
 */
async function jointTsne(
  compared: readonly ComparedDataset[],
  maxPoints: number,
  seed: number,
  status: (line: string) => void,
  signal: AbortSignal,
): Promise<{ picks: number[][]; x: Float32Array; y: Float32Array; kl: number } | undefined> {
  const sizes = compared.map(({ embeddings }) => embeddings?.rows ?? 0);
  const shares = sizes.map(() => 0);
  let left = maxPoints;
  let open = sizes.map((_size, index) => index).filter((index) => sizes[index]! > 0);
  while (left > 0 && open.length > 0) {
    const share = Math.max(1, Math.floor(left / open.length));
    for (const index of open) {
      const take = Math.min(share, sizes[index]! - shares[index]!, left);
      shares[index]! += take;
      left -= take;
    }
    open = open.filter((index) => shares[index]! < sizes[index]!);
  }
  const picks = compared.map((_, index) =>
    sampleIndices(sizes[index]!, shares[index]!, `report-tsne:${seed}:${index}`),
  );
  const rows = picks.reduce((sum, pick) => sum + pick.length, 0);
  if (rows < 5) return undefined;
  const dims = compared.find(({ embeddings }) => embeddings)!.embeddings!.dims;
  const data = new Float32Array(rows * dims);
  let offset = 0;
  compared.forEach(({ embeddings }, index) => {
    for (const row of picks[index]!) {
      data.set(embeddings!.data.subarray(row * dims, (row + 1) * dims), offset);
      offset += dims;
    }
  });
  const started = performance.now();
  let lastShown = 0;
  const result = await tsne(data, {
    rows,
    dims,
    seed,
    signal,
    onProgress: (progress) => {
      const now = performance.now();
      if (progress.phase === 'optimize' && now - lastShown > 5000) {
        lastShown = now;
        status(`t-SNE: iteration ${progress.iteration}/${progress.iterations}`);
      }
    },
  });
  status(
    `t-SNE of ${rows} points in ${((performance.now() - started) / 1000).toFixed(1)}s (KL ${result.kl.toFixed(3)})`,
  );
  const x = new Float32Array(rows);
  const y = new Float32Array(rows);
  for (let row = 0; row < rows; row++) {
    x[row] = result.embedding[2 * row]!;
    y[row] = result.embedding[2 * row + 1]!;
  }
  return { picks, x, y, kl: result.kl };
}

function defaultOut(sources: readonly LoadedDataset[]): string {
  const only = sources.length === 1 ? sources[0] : undefined;
  return only?.kind === 'run' ? resolve(only.source, 'report.html') : resolve('treesynth-report.html');
}

export const reportCommand = defineCommand({
  name: 'report',
  summary:
    'Write one self-contained HTML report (works offline): a t-SNE map by dataset and by first-level branch, the tree as a sunburst, a leaf-size histogram and the diversity metric table.',
  usage: 'treesynth report <run-folder|file.jsonl|name=path>... [options]',
  options: {
    out: {
      type: 'string',
      value: '<file.html>',
      description: 'where to write it (default: <run>/report.html for one run, else ./treesynth-report.html)',
    },
    title: { type: 'string', value: '<text>', description: 'the page title' },
    'max-points': {
      type: 'string',
      value: '<n>',
      description: 'points in the t-SNE map, shared over the datasets; 0 leaves the map out',
      default: String(DEFAULT_MAX_POINTS),
    },
    ...DATASET_OPTIONS,
  },
  notes: [
    'Arguments are read as by `treesynth eval diversity`. Metrics use every row (or --limit); the t-SNE',
    'map a seeded subset of at most --max-points rows, embedded jointly so the datasets share one map.',
    'Every text from the data is escaped in the page; nothing is fetched when it is opened.',
  ].join('\n'),
  examples: [
    'treesynth report runs/demo',
    'treesynth report human=../shared/data/gsm8k/train.jsonl treesynth=runs/demo --out compare.html',
  ],
  async run(values, positionals) {
    const interrupt = interruptSignal();
    try {
      return await writeReportFor(values, positionals, interrupt.signal);
    } finally {
      interrupt.dispose();
    }
  },
});

async function writeReportFor(values: ParsedValues, positionals: string[], signal: AbortSignal) {
  const quiet = values.quiet === true;
  const status = (line: string) => {
    if (!quiet) process.stderr.write(`${line}\n`);
  };
  const seed = numberFlag(values, 'seed') ?? 0;
  const limit = integerOption(values, 'limit', wholeNumber(2));
  const field = stringOption(values, 'field');
  const maxPoints = integerOption(values, 'max-points', wholeNumber(0, 1_000_000)) ?? DEFAULT_MAX_POINTS;
  const datasets = await loadDatasets(positionals, {
    seed,
    ...(limit !== undefined ? { limit } : {}),
    ...(field ? { field } : {}),
  });
  for (const dataset of datasets) if (dataset.problems) status(dataset.problems);
  const given = stringOption(values, 'out');
  checkOutputPath(given ?? defaultOut(datasets), { flag: '--out', kind: 'file' });
  const out = resolve(given ?? defaultOut(datasets));
  const embedderSpec = stringOption(values, 'embedder') ?? DEFAULT_OFFLINE_EMBEDDER;
  const cacheDir = stringOption(values, 'cache-dir');
  const { compared, embedder } = await compareDatasets(datasets, {
    embedder: embedderSpec,
    seed,
    signal,
    onStatus: status,
    ...(cacheDir !== undefined ? { cacheDir } : {}),
  });

  const map =
    maxPoints > 0 && embedder ? await jointTsne(compared, maxPoints, seed, status, signal) : undefined;
  let offset = 0;
  const reportDatasets: ReportDataset[] = compared.map(({ dataset }, index) => {
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
  const input: ReportInput = {
    title: stringOption(values, 'title') ?? `TreeSynth report: ${names.join(' vs ')}`,
    generatedAt: new Date(),
    simulated: simulated.length > 0,
    datasets: reportDatasets,
    ...(withTree ? { tree: reportTree(withTree.tree!, withTree.leafIds!, withTree.name) } : {}),
    metrics: metricTable(compared),
    notes: [
      embedder
        ? `Embeddings: ${embedder}. t-SNE: ${map ? `${map.x.length} points (a seeded subset), perplexity 30, 1000 iterations, final KL ${map.kl.toFixed(3)}` : 'not drawn'}.`
        : 'No embedder: text metrics only, no t-SNE map.',
      ...(withTree ? [`The sunburst and leaf histogram show the tree of ${withTree.name}.`] : []),
      ...(simulated.length > 0
        ? [`Made by the simulated LLM (placeholder text, not model quality): ${simulated.join(', ')}.`]
        : []),
      ...datasets.filter((dataset) => dataset.problems).map((dataset) => dataset.problems),
    ],
  };
  await writeReport(out, input);
  if (values.json === true) {
    process.stdout.write(
      `${JSON.stringify({ report: out, datasets: names, points: map?.x.length ?? 0, kl: map?.kl ?? null }, null, 2)}\n`,
    );
  } else process.stdout.write(`report written to ${out}\n`);
  return EXIT.ok;
}
