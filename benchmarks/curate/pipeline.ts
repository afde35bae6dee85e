/**
 * Curation pipeline benchmark: prints, asserts nothing.
 *
 * 1. Starts `treesynth sim` in its own process (defaults: answerAccuracy 0.7, no latency).
 * 2. `treesynth run --task gsm8k --max-samples N` (the baseline: leaf synthesis of the same rows).
 * 3. `treesynth curate --dedup --decontaminate --answer --verify V --judge` on that run folder.
 * 4. The same curate command again (everything logged: nothing is redone).
 * Prints rows in and out, removals, paid calls and seconds per step from curation.json, each step's
 * time as a ratio to the run's wall time, and the load average beside each figure.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/curate/pipeline.ts
 *          [--samples 10000] [--verify 5] [--concurrency 32]
 *
 * The rows and answers are simulator placeholders: the figures show the pipeline's throughput and
 * bookkeeping, not the quality of any model. On a shared machine the wall time grows with the load.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulatorProcess } from '../simulator-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '10000' },
    verify: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '32' },
  },
});

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

/** Run the CLI from source; its wall time in seconds. */
function cli(args: string[]): Promise<number> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--conditions=@treesynth/source', '--import', 'tsx', join(ROOT, 'apps/cli/src/main.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, OPENAI_API_KEY: '' } },
  );
  return new Promise((resolvePromise, reject) =>
    child.once('exit', (code) =>
      code === 0
        ? resolvePromise((performance.now() - started) / 1000)
        : reject(new Error(`treesynth ${args[0]} exited with ${code}`)),
    ),
  );
}

interface StepFigures {
  step: string;
  rowsIn: number;
  rowsOut: number;
  removed?: Record<string, number>;
  calls?: number;
  seconds?: number;
}

const work = mkdtempSync(join(tmpdir(), 'treesynth-curate-bench-'));
const out = join(work, 'run');
const simulator = await startSimulatorProcess({ seed: 0, latencyMs: 0 });
try {
  const url = `${simulator.url.replace(/\/v1$/, '')}/v1`;
  console.log(`cores ${cpus().length}; load before ${load()}`);
  const runSeconds = await cli([
    ...['run', '--task', 'gsm8k', '--model', 'sim', '--base-url', url, '--quiet'],
    ...['--max-samples', values.samples, '--concurrency', values.concurrency, '--out', out],
  ]);
  console.log(`run (baseline): ${values.samples} samples in ${runSeconds.toFixed(1)} s  [load ${load()}]`);
  const curate = [
    ...['curate', out, '--dedup', '--decontaminate', '--answer', '--verify', values.verify, '--judge'],
    ...['--curate-concurrency', values.concurrency],
  ];
  const curateSeconds = await cli(curate);
  const summary = JSON.parse(readFileSync(join(out, 'curation.json'), 'utf8')) as { steps: StepFigures[] };
  console.log(`curation: ${curateSeconds.toFixed(1)} s wall  [load ${load()}]`);
  console.log(
    'step           rows in  rows out  removed                          paid calls  seconds  × run',
  );
  for (const step of summary.steps) {
    const removed = Object.entries(step.removed ?? {})
      .map(([reason, count]) => `${reason} ${count}`)
      .join(', ');
    const seconds = step.seconds ?? 0;
    console.log(
      `${step.step.padEnd(14)} ${String(step.rowsIn).padStart(7)}  ${String(step.rowsOut).padStart(8)}  ${removed.padEnd(32)} ${String(step.calls ?? 0).padStart(10)}  ${seconds.toFixed(2).padStart(7)}  ${(seconds / runSeconds).toFixed(2)}`,
    );
  }
  const again = await cli(curate);
  console.log(
    `the same curation again (nothing redone): ${again.toFixed(1)} s, ${(again / curateSeconds).toFixed(3)} × the first  [load ${load()}]`,
  );
} finally {
  await simulator.close();
  rmSync(work, { recursive: true, force: true });
}
