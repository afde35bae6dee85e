import { readFileSync } from 'node:fs';
import { ConfigError } from '@treesynth/core';
import { redactUrl } from '@treesynth/core/internal';
import {
  BENCH_FILES,
  type BenchManifest,
  type BenchSettings,
  benchManifestSchema,
  readBenchFile,
  writeBenchFile,
} from './bench-files.js';
import { benchTemperature, type ParsedRunBenchOptions } from './bench-options.js';
import type { BenchmarkName } from './benchmark.js';

export interface BenchFolder {
  manifest: BenchManifest;
  /** The k values reported. */
  k: number[];
}

/** This package's version, for the manifest. */
function evalVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * Start or continue a result folder: a new one gets its `bench.json`; an existing one must have been
 * made with the same settings (what changes the answers), else a one-line error says which differs.
 * Benchmarks, the problem cap and k may change from run to run; the manifest keeps their union.
 */
export async function openBenchFolder(
  options: ParsedRunBenchOptions,
  shots: Partial<Record<BenchmarkName, number>>,
): Promise<BenchFolder> {
  const model =
    options.modelName ?? (options.mode === 'chat' ? options.model : options.completionModel)!.modelId;
  const settings: BenchSettings = {
    mode: options.mode,
    shots,
    samples: options.samples,
    temperature: benchTemperature(options),
    maxTokens: options.maxTokens,
    sanitized: options.sanitized,
    seed: options.seed,
  };
  const k = options.k ?? [1];
  const previous = readBenchFile(options.out, BENCH_FILES.manifest, benchManifestSchema, 'bench manifest');
  if (previous) {
    const difference = settingsDifference(previous, model, settings);
    if (difference)
      throw new ConfigError({
        path: 'out',
        message: `${options.out} holds results made with ${difference}; use another folder or the same settings`,
      });
  }
  const manifest: BenchManifest = {
    schemaVersion: 1,
    model,
    ...(options.baseURL ? { baseURL: redactUrl(options.baseURL) } : {}),
    settings: { ...settings, shots: { ...previous?.settings.shots, ...shots } },
    benchmarks: [...new Set([...(previous?.benchmarks ?? []), ...options.benchmarks])],
    ...(options.maxProblems !== undefined ? { maxProblems: options.maxProblems } : {}),
    k,
    versions: { eval: evalVersion(), node: process.version },
    createdAt: previous?.createdAt ?? new Date().toISOString(),
  };
  await writeBenchFile(options.out, BENCH_FILES.manifest, manifest);
  return {
    manifest,
    k,
  };
}

/** The first setting that differs, in words (`samples 10 (now 1)`), or undefined. */
function settingsDifference(
  previous: BenchManifest,
  model: string,
  settings: BenchSettings,
): string | undefined {
  if (previous.model !== model) return `model ${previous.model} (now ${model})`;
  const before = previous.settings;
  for (const key of ['mode', 'samples', 'temperature', 'maxTokens', 'sanitized', 'seed'] as const) {
    if (before[key] !== settings[key]) return `${key} ${before[key]} (now ${settings[key]})`;
  }
  for (const [name, count] of Object.entries(settings.shots)) {
    const old = before.shots[name as BenchmarkName];
    if (old !== undefined && old !== count) return `shots ${old} for ${name} (now ${count})`;
  }
  return undefined;
}
