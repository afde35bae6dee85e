import type { BenchmarkDefinition, BenchmarkName } from './benchmark.js';

/**
 * The built-in benchmarks by name. Each loads on first use, so a GSM8K-only run does not pay for
 * MATH's answer-equivalence engine or the sandbox's code.
 */
const LOADERS: Record<BenchmarkName, () => Promise<BenchmarkDefinition>> = {
  gsm8k: async () => (await import('./gsm8k.js')).gsm8kBenchmark,
  math: async () => (await import('./math.js')).mathBenchmark,
  humaneval: async () => (await import('./humaneval.js')).humanEvalBenchmark,
  mbpp: async () => (await import('./mbpp.js')).mbppBenchmark,
};

/** The built-in definition of a benchmark. */
export function loadBenchmarkDefinition(name: BenchmarkName): Promise<BenchmarkDefinition> {
  return LOADERS[name]();
}

/** Benchmarks whose answers are programs, scored by running them in the sandbox. */
export const CODE_BENCHMARKS: ReadonlySet<BenchmarkName> = new Set(['humaneval', 'mbpp']);
