import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { baselineGenerators } from '@treesynth/baselines';
import type { MethodConfig } from '@treesynth/core';
import { exportDataset } from '@treesynth/curate';
import { runOnEndpoint } from '@treesynth/providers';
import type { LoadedExperimentConfig } from './experiment-config.js';
import type { ParsedExperimentOptions } from './experiment-options.js';
import type { ExperimentState, MethodState } from './experiment-state.js';
import { curateOnEndpoint } from './jobs/curate-on-endpoint.js';

/** What a method's steps need besides its own state. */
export interface MethodContext {
  out: string;
  config: LoadedExperimentConfig;
  options: ParsedExperimentOptions;
  state: ExperimentState;
  /** Records a finished step in experiment.json. */
  save(): Promise<void>;
}

/** `run`: the method's dataset at the experiment's size in its own run folder (resumable). */
export async function runMethod(
  method: MethodConfig,
  entry: MethodState,
  context: MethodContext,
): Promise<void> {
  const { options, config, state } = context;
  const dir = join(context.out, entry.dir);
  context.options.onProgress?.({ step: 'run', method: method.name, skipped: entry.run !== undefined });
  if (entry.run?.status === 'complete') return;
  mkdirSync(join(context.out, 'runs'), { recursive: true });
  const { summary } = await runOnEndpoint({
    task: config.experiment.task,
    configFile: config.file,
    config: { method, maxSamples: state.dataSize },
    out: dir,
    // A run folder left by a killed experiment continues; a new one starts.
    resume: existsSync(join(dir, 'run.json')),
    modelId: state.modelId,
    baseURLs: options.baseURLs,
    apiKey: options.apiKey,
    env: options.env,
    generators: baselineGenerators,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    requestsPerMinute: options.requestsPerMinute,
    tokensPerMinute: options.tokensPerMinute,
    signal: options.signal,
    logger: options.logger,
  });
  entry.run = { status: summary.status, rows: summary.samples };
  await context.save();
}

/** `curate`: the config's curation, alike for every method, through the run's response cache. */
export async function curateMethod(entry: MethodState, context: MethodContext): Promise<void> {
  const { options, state } = context;
  context.options.onProgress?.({ step: 'curate', method: entry.name, skipped: entry.curate !== undefined });
  if (entry.curate) return;
  const result = await curateOnEndpoint({
    folder: join(context.out, entry.dir),
    curation: context.config.curation,
    modelId: state.modelId,
    baseURLs: options.baseURLs,
    apiKey: options.apiKey,
    env: options.env,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    requestsPerMinute: options.requestsPerMinute,
    tokensPerMinute: options.tokensPerMinute,
    signal: options.signal,
    logger: options.logger,
  });
  entry.curate = { rows: result.rows };
  await context.save();
}

/** `export`: the curated rows as fine-tune files with a LLaMA-Factory dataset_info.json entry. */
export async function exportMethod(entry: MethodState, context: MethodContext): Promise<void> {
  context.options.onProgress?.({ step: 'export', method: entry.name, skipped: entry.export !== undefined });
  if (entry.export) return;
  const out = join('export', entry.name);
  const result = await exportDataset({
    source: join(context.out, entry.dir),
    format: context.state.exportFormat as ParsedExperimentOptions['exportFormat'],
    out: join(context.out, out),
    name: `${context.state.name}-${entry.name}`,
    command: `treesynth experiment (${context.state.name}, method ${entry.name})`,
    logger: context.options.logger,
  });
  entry.export = { out, files: [...result.files].sort() };
  await context.save();
}

/** Whether a run's rows come from `treesynth sim`: its samples carry the simulator's `[simulated` mark. */
export function looksSimulated(folder: string): boolean {
  const file = join(folder, 'samples.jsonl');
  if (!existsSync(file)) return false;
  return readFileSync(file, 'utf8')
    .split('\n', 20)
    .some((line) => line.includes('"[simulated '));
}
