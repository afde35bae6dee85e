/**
 * Code-execution throughput: the 664 reference programs of HumanEval (164 canonical solutions) and
 * MBPP (500 test-split reference solutions) run through the PythonSandbox. Prints, asserts nothing.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/bench/code-execution.ts
 *          [--pool N] [--python python3] [--rounds 1] [--skip-baseline]
 *
 * Two figures, taken in the same run with the same programs and the same concurrency:
 * - sandbox: `sandbox.run(program)` with every layer the machine allows (the isolation is printed);
 * - baseline: the same interpreter started bare (`python3 -I -S -`, the program on stdin), no temp
 *   directory, no namespaces, no guard, no limits: what the isolation costs is the ratio of the two.
 * Problems per second are wall-clock; the load average is printed beside each figure, since on a
 * shared machine the wall time grows with the other load. "CPU/program" is the CPU time of all the
 * programs' processes (this process's cutime + cstime from /proc/self/stat: every descendant that was
 * waited for, the unshare wrappers and the sandbox's init included) over the number of programs,
 * which the other load changes much less.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import {
  createPythonSandbox,
  humanEvalBenchmark,
  humanEvalProgram,
  mbppBenchmark,
  mbppProgram,
} from '@treesynth/eval';

const { values: flags } = parseArgs({
  options: {
    pool: { type: 'string' },
    python: { type: 'string', default: 'python3' },
    rounds: { type: 'string', default: '1' },
    'skip-baseline': { type: 'boolean', default: false },
  },
});
const poolSize = flags.pool === undefined ? availableParallelism() : Number(flags.pool);
const rounds = Number(flags.rounds);

const programs: string[] = [];
for (const problem of await humanEvalBenchmark.problems()) {
  programs.push(humanEvalProgram(problem, `${problem.prompt}${problem.canonicalSolution}`));
}
for (const problem of await mbppBenchmark.problems())
  programs.push(mbppProgram(problem, problem.referenceCode));

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** CPU seconds of this process's waited-for descendants (cutime + cstime). */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of stat (cutime, cstime) are at 13 and 14 once pid and comm are dropped.
  return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** Runs `task` over every program with `concurrency` at once; returns wall seconds and failures. */
async function timeAll(concurrency: number, task: (program: string) => Promise<boolean>) {
  const started = performance.now();
  const cpuBefore = childrenCpuSeconds();
  let next = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < programs.length) {
        const program = programs[next] as string;
        next += 1;
        if (!(await task(program))) failures += 1;
      }
    }),
  );
  const cpuMsPerProgram = ((childrenCpuSeconds() - cpuBefore) * 1000) / programs.length;
  return { seconds: (performance.now() - started) / 1000, failures, cpuMsPerProgram };
}

function runBare(python: string, program: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(python, ['-I', '-S', '-'], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
    child.stdin.end(program);
  });
}

const sandbox = createPythonSandbox({ python: flags.python, poolSize });
const isolation = await sandbox.isolation();
console.log(`code execution: ${programs.length} programs (HumanEval 164 + MBPP 500), pool ${poolSize}`);
console.log(
  `isolation: network ${isolation.network}, pid namespace ${isolation.pidNamespace}, uid ${isolation.uid ?? 'unchanged'}, ` +
    `guard ${isolation.pythonGuard}, wrapper "${isolation.wrapper.join(' ')}", python ${isolation.python}`,
);
for (const note of isolation.notes) console.log(`  note: ${note}`);

for (let round = 1; round <= rounds; round += 1) {
  const loadBefore = load();
  const sandboxed = await timeAll(poolSize, async (program) => (await sandbox.run(program)).status === 'ok');
  const sandboxRate = programs.length / sandboxed.seconds;
  console.log(
    `round ${round} sandbox : ${sandboxRate.toFixed(1)} problems/s (${sandboxed.seconds.toFixed(1)} s, ` +
      `${sandboxed.failures} failed), CPU/program ${sandboxed.cpuMsPerProgram.toFixed(1)} ms, load ${loadBefore} -> ${load()}`,
  );
  if (flags['skip-baseline']) continue;
  const baselineLoad = load();
  const bare = await timeAll(poolSize, (program) => runBare(isolation.python, program));
  const bareRate = programs.length / bare.seconds;
  console.log(
    `round ${round} baseline: ${bareRate.toFixed(1)} problems/s (${bare.seconds.toFixed(1)} s, ` +
      `${bare.failures} failed), CPU/program ${bare.cpuMsPerProgram.toFixed(1)} ms, load ${baselineLoad} -> ${load()}; ` +
      `sandbox/baseline: rate ${(sandboxRate / bareRate).toFixed(2)}, CPU ${(sandboxed.cpuMsPerProgram / bare.cpuMsPerProgram).toFixed(2)}`,
  );
}
await sandbox.close();
