/**
 * Curation pipeline benchmark: prints, asserts nothing.
 *
 * One `treesynth run` with curation on (dedup, decontaminate, answer, self-consistency verify) against
 * `treesynth sim` in its own process, both real child processes over loopback, as a user runs them.
 * Prints rows in and rows out per step and its wall seconds, beside the synthesis of the same run (the
 * baseline: each step's time as a ratio to it), then the export of the curated rows, with the load
 * average at each figure. The simulator's answers and accuracy are placeholders, so the rows kept say
 * nothing about quality; the point is where the time goes.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/curate/pipeline.ts
 *   [--samples 10000] [--depth 4] [--votes 3] [--concurrency 64] [--latency-ms 0] [--keep]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulatorProcess } from '../simulator-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: flags } = parseArgs({
  options: {
    samples: { type: 'string', default: '10000' },
    depth: { type: 'string', default: '4' },
    votes: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '64' },
    'latency-ms': { type: 'string', default: '0' },
    keep: { type: 'boolean', default: false },
  },
});

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');

/** The CLI as a child process; resolves with its stdout, rejects on a non-zero exit. */
function cli(args: string[]): Promise<{ stdout: string; seconds: number }> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--conditions=@treesynth/source', '--import', 'tsx', join(ROOT, 'apps/cli/src/main.ts'), ...args],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OPENAI_API_KEY: '' } },
  );
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  return new Promise((resolvePromise, reject) => {
    child.once('exit', (code) =>
      code === 0
        ? resolvePromise({ stdout, seconds: (performance.now() - started) / 1000 })
        : reject(new Error(`treesynth ${args[0]} exited with ${code}`)),
    );
  });
}

const work = mkdtempSync(join(tmpdir(), 'treesynth-bench-curate-'));
const out = join(work, 'run');
const simulator = await startSimulatorProcess({ seed: 1, latencyMs: Number(flags['latency-ms']) });
try {
  console.log(
    `curation pipeline: ${flags.samples} samples (gsm8k, depth ${flags.depth}), ${flags.votes} votes, ` +
      `curation concurrency ${flags.concurrency}, simulator latency ${flags['latency-ms']} ms; ${cpus().length} CPUs; load before ${load()}`,
  );
  const run = await cli([
    'run',
    ...['--task', 'gsm8k', '--model', 'sim', '--base-url', `${simulator.url}`],
    ...['--depth', flags.depth, '--max-samples', flags.samples, '--seed', '1', '--concurrency', '32'],
    ...['--dedup', '--decontaminate', '--answer', '--verify', flags.votes],
    ...['--curate-concurrency', flags.concurrency, '--quiet', '--json', '--out', out],
  ]);
  const afterRun = load();
  const summary = JSON.parse(run.stdout) as {
    samples: number;
    elapsedMs?: number;
    curation: {
      steps: { step: string; rowsIn: number; rowsOut: number; calls?: number; seconds?: number }[];
    };
  };
  const curation = summary.curation.steps;
  const curationSeconds = curation.reduce((sum, step) => sum + (step.seconds ?? 0), 0);
  const synthesis =
    summary.elapsedMs !== undefined ? summary.elapsedMs / 1000 : run.seconds - curationSeconds;
  const exported = await cli(['export', out, '--format', 'openai', '--json']);
  const exportLoad = load();
  const rows = JSON.parse(exported.stdout).splits.reduce(
    (sum: number, split: { rows: number }) => sum + split.rows,
    0,
  );

  const line = (name: string, rowsIn: string, rowsOut: string, calls: string, seconds: number, at: string) =>
    console.log(
      `${name.padEnd(14)} ${rowsIn.padStart(7)} ${rowsOut.padStart(8)} ${calls.padStart(7)} ${seconds.toFixed(2).padStart(9)} ${(seconds / synthesis).toFixed(2).padStart(9)}x  ${at}`,
    );
  console.log(
    `${'step'.padEnd(14)} ${'rows in'.padStart(7)} ${'rows out'.padStart(8)} ${'calls'.padStart(7)} ${'seconds'.padStart(9)} ${'vs synth'.padStart(10)}  load (1/5/15 min)`,
  );
  line('synthesis', '-', String(summary.samples), '-', synthesis, afterRun);
  for (const step of curation)
    line(
      step.step,
      String(step.rowsIn),
      String(step.rowsOut),
      String(step.calls ?? 0),
      step.seconds ?? 0,
      afterRun,
    );
  line(
    'export',
    String(curation.at(-1)?.rowsOut ?? summary.samples),
    String(rows),
    '0',
    exported.seconds,
    exportLoad,
  );
  console.log(
    `whole run command ${run.seconds.toFixed(1)} s (curation ${curationSeconds.toFixed(1)} s = ${(curationSeconds / synthesis).toFixed(2)}x synthesis); ` +
      `curation.json: ${readFileSync(join(out, 'curation.json'), 'utf8').length} bytes`,
  );
} finally {
  await simulator.close();
  if (!flags.keep) rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${out}`);
}
