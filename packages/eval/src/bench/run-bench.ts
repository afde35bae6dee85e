import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AbortedError, TreeSynthError } from '@treesynth/core';
import {
  JsonlAppender,
  parseOptions,
  RunLock,
  readJsonl,
  repairTornTail,
  Scheduler,
} from '@treesynth/core/internal';
import type { CodeSandbox } from '../sandbox/execution-result.js';
import {
  BENCH_FILES,
  type BenchRecord,
  type BenchSummary,
  benchRecordSchema,
  writeBenchFile,
} from './bench-files.js';
import { openBenchFolder } from './bench-folder.js';
import { type ParsedRunBenchOptions, type RunBenchOptions, runBenchOptionsSchema } from './bench-options.js';
import { type BenchCounters, solveProblem } from './bench-problem.js';
import { averageFigures, benchmarkFigures, formatBenchTable } from './bench-summary.js';
import type { BenchmarkDefinition, BenchmarkName, BenchProblem } from './benchmark.js';
import { CODE_BENCHMARKS, loadBenchmarkDefinition } from './registry.js';

export interface BenchResult {
  dir: string;
  summary: BenchSummary;
  /** The paper-layout table, as written to summary.md. */
  table: string;
  /** Problems whose calls failed after their retries; a rerun with the same folder asks them again. */
  failed: number;
  /** The first failure's message, when there was one. */
  firstError?: string;
  calls: number;
  cachedCalls: number;
}

/**
 * Evaluate a model on GSM8K, MATH, HumanEval and MBPP. Writes `<benchmark>.jsonl` (one record per
 * problem), `summary.json`, `summary.md` and `bench.json` to `out`; rerun with the same `out` to go on
 * where it stopped (problems with a record are not asked again). The models given should carry the
 * response cache (`out/cache` is where the CLI puts it), so a call answered before a crash is free.
 */
export async function runBench(input: RunBenchOptions): Promise<BenchResult> {
  const options = parseOptions(runBenchOptionsSchema, input);
  mkdirSync(options.out, { recursive: true });
  const lock = RunLock.acquire(options.out);
  try {
    return await benchInFolder(options);
  } finally {
    lock.release();
  }
}

async function benchInFolder(options: ParsedRunBenchOptions): Promise<BenchResult> {
  const definitions = new Map<BenchmarkName, BenchmarkDefinition>();
  for (const name of options.benchmarks)
    definitions.set(name, options.definitions?.[name] ?? (await loadBenchmarkDefinition(name)));
  const shots = Object.fromEntries(
    options.benchmarks.map((name) => [
      name,
      options.shots ?? definitions.get(name)!.defaultShots[options.mode],
    ]),
  );
  const folder = await openBenchFolder(options, shots);
  let sandbox: CodeSandbox | undefined = options.sandbox;
  const ownSandbox = !sandbox && options.benchmarks.some((name) => CODE_BENCHMARKS.has(name));
  const counters: BenchCounters & { failed: number; firstError?: string } = {
    calls: 0,
    cachedCalls: 0,
    failed: 0,
  };
  const startedAt = Date.now();
  const figures: BenchSummary['benchmarks'] = {};
  let simulated = false;
  try {
    if (ownSandbox) sandbox = await createSandbox();
    const scheduler = new Scheduler(options.concurrency);
    for (const name of options.benchmarks) {
      const definition = definitions.get(name)!;
      const problems = (
        await definition.problems(name === 'mbpp' ? { sanitized: options.sanitized } : {})
      ).slice(0, options.maxProblems);
      const file = join(options.out, BENCH_FILES.records(name));
      await repairTornTail(file);
      const records = new Map<string, BenchRecord>();
      for await (const record of readJsonl(file, benchRecordSchema)) records.set(record.id, record);
      const appender = new JsonlAppender(file);
      const failedBefore = counters.failed;
      const report = () =>
        options.onProgress?.({
          benchmark: name,
          done: problems.filter((problem) => records.has(problem.id)).length,
          total: problems.length,
          calls: counters.calls,
          cachedCalls: counters.cachedCalls,
          failed: counters.failed,
          elapsedMs: Date.now() - startedAt,
        });
      report();
      const solve = async (problem: BenchProblem) => {
        try {
          const record = await solveProblem(
            problem,
            definition,
            shots[name]!,
            options,
            scheduler,
            counters,
            sandbox,
          );
          await appender.append([record]);
          records.set(problem.id, record);
        } catch (error) {
          // A stop, or a setting the benchmark refuses (shots it does not have), ends the run.
          if (options.signal?.aborted || isAbort(error) || isConfigError(error)) throw error;
          counters.failed++;
          counters.firstError ??= `${name} ${problem.id}: ${error instanceof Error ? error.message : String(error)}`;
        }
        report();
      };
      try {
        const outcomes = await Promise.allSettled(
          problems.filter((problem) => !records.has(problem.id)).map(solve),
        );
        const stop = outcomes.find((outcome) => outcome.status === 'rejected');
        if (stop) throw stop.reason;
      } finally {
        await appender.close();
      }
      const selected = problems.flatMap((problem) => records.get(problem.id) ?? []);
      simulated ||= selected.some((record) => record.simulated === true);
      figures[name] = benchmarkFigures(selected, definition.metrics, {
        k: folder.k,
        samples: options.samples,
        failed: counters.failed - failedBefore,
      });
    }
  } finally {
    if (ownSandbox) await sandbox?.close();
  }
  const summary: BenchSummary = {
    schemaVersion: 1,
    model: folder.manifest.model,
    mode: options.mode,
    simulated,
    k: folder.k,
    benchmarks: figures,
    average: averageFigures(figures, folder.k),
  };
  const table = formatBenchTable([{ label: summary.model, summary }]);
  await writeBenchFile(options.out, BENCH_FILES.summary, summary);
  await writeBenchFile(options.out, BENCH_FILES.table, table);
  return {
    dir: options.out,
    summary,
    table,
    failed: counters.failed,
    ...(counters.firstError ? { firstError: counters.firstError } : {}),
    calls: counters.calls,
    cachedCalls: counters.cachedCalls,
  };
}

async function createSandbox(): Promise<CodeSandbox> {
  const { createPythonSandbox } = await import('../sandbox/python-sandbox.js');
  return createPythonSandbox();
}

function isConfigError(error: unknown): boolean {
  return TreeSynthError.isInstance(error) && error.code === 'config';
}

function isAbort(error: unknown): boolean {
  return error instanceof AbortedError || (TreeSynthError.isInstance(error) && error.code === 'aborted');
}
