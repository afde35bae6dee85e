/**
 * Speed of `mathAnswersEquivalent`: prints, asserts nothing.
 *
 * Runs the hand-written equivalence suite (every pair in both orders), the MATH-500 gold check
 * (each solution's last boxed answer against `answer`) and MATH-500 answers against the next
 * row's answer (different answers of realistic shapes, as in answer voting), and prints
 * comparisons per second and per-comparison times:
 * - cold: the first pass, which loads the Compute Engine and fills its parse cache;
 * - warm: later passes (the case of answer voting, where the same strings recur);
 * - baseline: the same pairs with `symbolic: false` (string, shape and numeric rules only), in
 *   the same run; "CAS cost" is the baseline rate over the warm rate.
 * Also the slowest single comparison (a pair the CAS cannot settle runs into the time limit, 200 ms).
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/bench/math-equivalence.ts [--passes 5]
 *
 * Single-threaded wall time; the load average is printed beside each figure, because on a shared
 * machine wall time grows with the other load.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { extractBoxedAnswer, loadBenchmarkSet, mathAnswersEquivalent } from '@treesynth/eval';
import { DIFFERENT_PAIRS } from '../../packages/eval/src/bench/math-answer/equivalence-suite-different.fixture.js';
import { EQUIVALENT_PAIRS } from '../../packages/eval/src/bench/math-answer/equivalence-suite-equal.fixture.js';

const { values: flags } = parseArgs({ options: { passes: { type: 'string', default: '5' } } });
const passes = Math.max(1, Number(flags.passes));

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

interface PassResult {
  readonly seconds: number;
  /** Milliseconds of each comparison, in pair order. */
  readonly times: number[];
}

function run(pairs: readonly (readonly [string, string])[], symbolic: boolean): PassResult {
  const times: number[] = [];
  const start = performance.now();
  for (const pair of pairs) {
    const before = performance.now();
    mathAnswersEquivalent(pair[0], pair[1], { symbolic });
    times.push(performance.now() - before);
  }
  return { seconds: (performance.now() - start) / 1000, times };
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function report(name: string, pairs: readonly (readonly [string, string])[]): void {
  const cold = run(pairs, true);
  const warm: PassResult[] = [];
  for (let pass = 0; pass < passes; pass++) warm.push(run(pairs, true));
  const baseline: PassResult[] = [];
  for (let pass = 0; pass < passes; pass++) baseline.push(run(pairs, false));
  const median = (results: PassResult[]) =>
    [...results].sort((a, b) => a.seconds - b.seconds)[Math.floor(results.length / 2)] as PassResult;
  const warmRate = pairs.length / median(warm).seconds;
  const baselineRate = pairs.length / median(baseline).seconds;
  const warmTimes = warm.flatMap((result) => result.times);
  console.log(`\n${name}: ${pairs.length} comparisons per pass, ${passes} warm passes (median)`);
  console.log(
    `  cold (first pass)     ${(pairs.length / cold.seconds).toFixed(0).padStart(8)} comparisons/s   load ${load()}`,
  );
  console.log(`  warm                  ${warmRate.toFixed(0).padStart(8)} comparisons/s   load ${load()}`);
  console.log(
    `  baseline (no CAS)     ${baselineRate.toFixed(0).padStart(8)} comparisons/s   load ${load()}`,
  );
  console.log(
    `  CAS cost              ${(baselineRate / warmRate).toFixed(1).padStart(8)}× slower than the baseline`,
  );
  const typical = median(warm);
  const slowestIndex = typical.times.indexOf(Math.max(...typical.times));
  console.log(
    `  warm per comparison   median ${quantile(warmTimes, 0.5).toFixed(3)} ms, p99 ${quantile(warmTimes, 0.99).toFixed(1)} ms`,
  );
  console.log(
    `  slowest (warm)        ${typical.times[slowestIndex]?.toFixed(1)} ms: ${JSON.stringify(pairs[slowestIndex])}`,
  );
  console.log(
    `  slowest (cold)        ${Math.max(...cold.times).toFixed(1)} ms (includes loading the Compute Engine)`,
  );
}

const suite = [...EQUIVALENT_PAIRS, ...DIFFERENT_PAIRS].flatMap(([a, b]) => [
  [a, b] as const,
  [b, a] as const,
]);
report('equivalence suite (both orders)', suite);

const rows = await loadBenchmarkSet('math500-test');
const gold = rows.map((row) => [extractBoxedAnswer(row.solution) ?? '', row.answer] as const);
report('MATH-500 gold answers (mostly equal strings)', gold);
const shifted = rows.map(
  (row, index) => [row.answer, rows[(index + 1) % rows.length]?.answer ?? ''] as const,
);
report('MATH-500 answer against the next row’s answer (mostly different)', shifted);
