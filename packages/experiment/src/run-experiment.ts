import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type MethodConfig } from '@treesynth/core';
import { parseOptions, removeOwnTemporaryFiles } from '@treesynth/core/internal';
import type { MetricTable } from '@treesynth/eval';
import { loadExperimentConfig } from './experiment-config.js';
import { type RunExperimentOptions, runExperimentOptionsSchema } from './experiment-options.js';
import {
  benchTable,
  DIVERSITY_FILE,
  REPORT_FILE,
  readDiversity,
  writeExperimentReport,
} from './experiment-report.js';
import { type ExperimentState, readExperimentState, writeExperimentState } from './experiment-state.js';
import { curateMethod, exportMethod, looksSimulated, type MethodContext, runMethod } from './method-steps.js';

export interface ExperimentResult {
  /** The experiment folder. */
  out: string;
  /** `complete`, or the first method's run status that was not (the experiment stopped there). */
  status: string;
  state: ExperimentState;
  /** The diversity table (methods as columns); absent unless complete. */
  table?: MetricTable;
  /** The report page; absent unless complete. */
  report?: string;
  /** True when the rows come from the simulator: no conclusion about methods may be drawn. */
  simulated: boolean;
  /** The paper's benchmark table of the given `bench` folders. */
  bench?: string;
}

/** The settings a resume must keep, by option name. */
const KEPT = ['modelId', 'dataSize', 'embedder', 'exportFormat'] as const;

function startState(
  out: string,
  options: ReturnType<typeof parseOptions<typeof runExperimentOptionsSchema>>,
  config: ReturnType<typeof loadExperimentConfig>,
): ExperimentState {
  const stored = readExperimentState(out);
  // A kill during an atomic write of experiment.json leaves its temp file: ours to remove.
  if (stored) removeOwnTemporaryFiles(out);
  const wanted = {
    modelId: options.modelId ?? stored?.modelId,
    dataSize: options.dataSize ?? config.experiment.dataSize,
    embedder: options.embedder,
    exportFormat: options.exportFormat,
  };
  if (!wanted.modelId)
    throw new ConfigError({ path: 'modelId', message: 'which generator model? e.g. gpt-4o' });
  if (!stored) {
    return {
      version: 1,
      name: config.experiment.name,
      task: config.experiment.task,
      configHash: config.hash,
      modelId: wanted.modelId,
      dataSize: wanted.dataSize,
      embedder: wanted.embedder,
      exportFormat: wanted.exportFormat,
      createdAt: new Date().toISOString(),
      methods: config.experiment.methods.map((method) => ({ name: method.name, dir: `runs/${method.name}` })),
    };
  }
  if (stored.configHash !== config.hash)
    throw new ConfigError({
      path: 'config',
      message: `${config.file} changed since the experiment in ${out} started; use a new out folder`,
    });
  for (const key of KEPT)
    if (stored[key] !== wanted[key])
      throw new ConfigError({
        path: key,
        message: `the experiment in ${out} was started with ${stored[key]}, not ${wanted[key]}; use a new out folder`,
      });
  return stored;
}

/**
 * The paper's comparison for one experiment config (benchmarks/paper/*.json): every method of its
 * `experiment` block makes the same number of rows with the same model and settings, in its own run
 * folder under `out/runs/`; each is curated alike (the config's `curation`, else dedup, decontaminate
 * and answer) and exported for fine-tuning (`out/export/<method>`); one embedder measures them all in
 * `out/report.html`. Each step is resumable and `experiment.json` records those that finished, so a
 * killed experiment rerun with the same options continues and ends with the same files. With `bench`,
 * the benchmark results of models trained on each method's export are tabled side by side.
 *
 * ```ts
 * const result = await runExperiment({ config: 'benchmarks/paper/gsm8k.json', modelId: 'gpt-4o' });
 * ```
 */
export async function runExperiment(input: RunExperimentOptions): Promise<ExperimentResult> {
  const options = parseOptions(runExperimentOptionsSchema, input);
  if (!existsSync(options.config))
    throw new ConfigError({ path: 'config', message: `no such file: ${options.config}` });
  const config = loadExperimentConfig(options.config);
  for (const dir of options.bench)
    if (!existsSync(dir)) throw new ConfigError({ path: 'bench', message: `no such result folder: ${dir}` });
  const out = options.out ?? join('runs', 'experiments', config.experiment.name);
  if (existsSync(out) && !existsSync(join(out, 'experiment.json')) && !isEmptyOrMissing(out))
    throw new ConfigError({ path: 'out', message: `${out} holds something other than an experiment` });
  const state = startState(out, options, config);
  mkdirSync(out, { recursive: true });
  const context: MethodContext = {
    out,
    config,
    options,
    state,
    save: () => writeExperimentState(out, state),
  };
  await context.save();
  const byName = new Map<string, MethodConfig>(
    config.experiment.methods.map((method) => [method.name, method]),
  );
  for (const entry of state.methods) {
    await runMethod(byName.get(entry.name)!, entry, context);
    if (entry.run?.status !== 'complete')
      return { out, status: entry.run?.status ?? 'interrupted', state, simulated: false };
  }
  for (const entry of state.methods) await curateMethod(entry, context);
  for (const entry of state.methods) await exportMethod(entry, context);
  const simulated = state.methods.some((entry) => looksSimulated(join(out, entry.dir)));
  const done = state.report !== undefined && existsSync(join(out, DIVERSITY_FILE));
  options.onProgress?.({ step: 'report', skipped: done });
  let table: MetricTable;
  if (done) table = readDiversity(out);
  else {
    const written = await writeExperimentReport(context, simulated);
    table = written.table;
    state.report = { file: REPORT_FILE, rowsPerMethod: written.rowsPerMethod, simulated };
    await context.save();
  }
  const methods = state.methods.map((entry) => entry.name);
  if (options.bench.length > 0) options.onProgress?.({ step: 'bench', skipped: false });
  const bench = options.bench.length > 0 ? benchTable(options.bench, methods) : undefined;
  return {
    out,
    status: 'complete',
    state,
    table,
    report: resolve(out, REPORT_FILE),
    simulated,
    ...(bench ? { bench } : {}),
  };
}

function isEmptyOrMissing(dir: string): boolean {
  return readdirSync(dir).length === 0;
}
