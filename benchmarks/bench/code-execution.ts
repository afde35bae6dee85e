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
 * shared machine the wall time grows with the other load.
 */
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createPythonSandbox, humanEval, humanEvalProgram, mbpp, mbppProgram } from '@treesynth/eval';

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
for (const problem of await humanEval.problems()) {
  programs.push(humanEvalProgram(problem, `${problem.prompt}${problem.canonicalSolution}`));
}
for (const problem of await mbpp.problems()) programs.push(mbppProgram(problem, problem.referenceCode));

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Runs `task` over every program with `concurrency` at once; returns wall seconds and failures. */
async function timeAll(concurrency: number, task: (program: string) => Promise<boolean>) {
  const started = performance.now();
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
  return { seconds: (performance.now() - started) / 1000, failures };
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
      `${sandboxed.failures} failed), load ${loadBefore} -> ${load()}`,
  );
  if (flags['skip-baseline']) continue;
  const baselineLoad = load();
  const bare = await timeAll(poolSize, (program) => runBare(isolation.python, program));
  const bareRate = programs.length / bare.seconds;
  console.log(
    `round ${round} baseline: ${bareRate.toFixed(1)} problems/s (${bare.seconds.toFixed(1)} s, ` +
      `${bare.failures} failed), load ${baselineLoad} -> ${load()}; sandbox/baseline ${(sandboxRate / bareRate).toFixed(2)}`,
  );
}
await sandbox.close();
