import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunStoreError } from '@treesynth/core';
import { parseVersioned, writeFileAtomic } from '@treesynth/core/internal';
import { z } from 'zod';
import { BENCHMARK_NAMES } from './benchmark.js';

/** The files of a bench result folder. */
export const BENCH_FILES = {
  manifest: 'bench.json',
  summary: 'summary.json',
  table: 'summary.md',
  cache: 'cache',
  records: (benchmark: string) => `${benchmark}.jsonl`,
} as const;

const executionSchema = z.object({
  status: z.enum(['ok', 'failed', 'timeout', 'killed']),
  exitCode: z.number().nullable(),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean(),
  durationMs: z.number(),
});

/** One line of `<benchmark>.jsonl`: a problem, what was asked, every sample's output and verdicts. */
export const benchRecordSchema = z.object({
  id: z.string(),
  /** The completion prompt, or the chat messages. */
  prompt: z.union([z.string(), z.array(z.object({ role: z.string(), content: z.string() }))]),
  stop: z.array(z.string()).optional(),
  outputs: z.array(z.string()),
  /** Per sample: the answer or program read from the output (null when none). */
  extracted: z.array(z.string().nullable()),
  /** Per sample: one verdict per metric. */
  verdicts: z.array(z.record(z.string(), z.boolean())),
  /** Code benchmarks, per sample: what running the program against the tests gave. */
  execution: z.array(executionSchema.nullable()).optional(),
  /** Per sample: whether the answer came from the response cache (no paid call). */
  cached: z.array(z.boolean()),
  /** The answers came from the TreeSynth simulator. */
  simulated: z.literal(true).optional(),
});
export type BenchRecord = z.infer<typeof benchRecordSchema>;

const benchmarkNameSchema = z.enum(BENCHMARK_NAMES);

/** What changes the answers: a folder's settings must match on every rerun. */
export const benchSettingsSchema = z.object({
  mode: z.enum(['chat', 'completion']),
  /** Few-shot examples per benchmark. */
  shots: z.partialRecord(benchmarkNameSchema, z.number().int()),
  samples: z.number().int(),
  temperature: z.number(),
  maxTokens: z.number().int(),
  sanitized: z.boolean(),
  seed: z.number().int(),
});
export type BenchSettings = z.infer<typeof benchSettingsSchema>;

/** `bench.json`: the model, its endpoint without credentials, the settings, the versions. */
export const benchManifestSchema = z.object({
  schemaVersion: z.literal(1),
  model: z.string(),
  baseURL: z.string().optional(),
  settings: benchSettingsSchema,
  /** Benchmarks asked so far, and the problem cap of the last run (none: all). */
  benchmarks: z.array(benchmarkNameSchema),
  maxProblems: z.number().int().optional(),
  k: z.array(z.number().int()),
  versions: z.object({ eval: z.string(), node: z.string() }),
  createdAt: z.string(),
});
export type BenchManifest = z.infer<typeof benchManifestSchema>;

/** One benchmark's figures: for each metric, the mean pass@k over problems for each k. */
export const benchmarkFiguresSchema = z.object({
  problems: z.number().int(),
  /** Problems that have no record because their calls failed. */
  failed: z.number().int(),
  samples: z.number().int(),
  /** Metric names, the headline first. */
  metrics: z.array(z.string()),
  scores: z.record(z.string(), z.record(z.string(), z.number())),
});
export type BenchmarkFigures = z.infer<typeof benchmarkFiguresSchema>;

/** `summary.json`. */
export const benchSummarySchema = z.object({
  schemaVersion: z.literal(1),
  model: z.string(),
  mode: z.enum(['chat', 'completion']),
  /** The answers came from the TreeSynth simulator: placeholders, not model-quality data. */
  simulated: z.boolean(),
  k: z.array(z.number().int()),
  benchmarks: z.partialRecord(benchmarkNameSchema, benchmarkFiguresSchema),
  /** Per `pass@k`: the mean over benchmarks of each one's headline metric. */
  average: z.record(z.string(), z.number()),
});
export type BenchSummary = z.infer<typeof benchSummarySchema>;

/** Read a versioned JSON file of the folder through its schema; undefined when absent. */
export function readBenchFile<T>(
  dir: string,
  name: string,
  schema: z.ZodType<T>,
  what: string,
): T | undefined {
  const file = join(dir, name);
  if (!existsSync(file)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RunStoreError({ file, message: `not valid JSON (${(error as Error).message})` });
  }
  return parseVersioned(schema, json, file, { what, version: 1 });
}

export async function writeBenchFile(dir: string, name: string, value: unknown): Promise<void> {
  await writeFileAtomic(
    join(dir, name),
    typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`,
  );
}
