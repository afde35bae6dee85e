/**
 * Scale benchmark (issue 13): prints, asserts nothing. Each figure is the built CLI in a child
 * process, timed with /usr/bin/time (wall, user+system CPU, peak RSS), the load average printed
 * beside it, and compared with the code before this work measured in the same run:
 *
 *   - `treesynth eval diversity <run>` of a 100,000-row and a 1,000,000-row simulated run, with the
 *     default (bundled, offline) embedder, `hashing` (1024 dims). The baseline at 1M is not run
 *     unless --old-1m: it needs about 20 GiB.
 *   - a 1,000,000-sample simulated run (`treesynth run` against `treesynth sim`): wall and peak RSS.
 *   - `--resume` of that finished run (nothing left to do).
 *
 * The baseline is main at --base (default 441f30d) checked out with `git worktree` in a temp folder,
 * installed offline and bundled by its own scripts/bundle-cli (.ts or .mjs). The runs are made
 * once into --work (default a temp folder) and deleted at the end unless --keep.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/scale/scale.ts
 *          [--base 441f30d] [--work /tmp/dir] [--keep] [--old-1m] [--skip-1m-eval]
 *
 * --base 0140f74 compares with main before the faster evaluation (hashing embedder, SIMD MinHash, Vendi
 * on a worker thread); the default, 441f30d, is main before streaming evaluation.
 *
 * On a shared machine the wall times grow with the other load (printed beside each); CPU seconds
 * grow less. Peak RSS does not depend on the load.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: {
    base: { type: 'string', default: '441f30d' },
    work: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'old-1m': { type: 'boolean', default: false },
    'skip-1m-eval': { type: 'boolean', default: false },
    /** Smaller sizes check the script itself quickly. */
    small: { type: 'string', default: '100000' },
    large: { type: 'string', default: '1000000' },
  },
});
const SMALL = Number(values.small);
const LARGE = Number(values.large);
const count = (n: number) => n.toLocaleString('en-US');
const work = values.work ?? mkdtempSync(join(tmpdir(), 'treesynth-scale-'));
mkdirSync(work, { recursive: true });
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

interface Measured {
  wall: number;
  cpu: number;
  rssMiB: number;
  load: string;
  stderr: string;
}

/** Runs `node <bundle> ...args` under /usr/bin/time; stdout to `stdoutFile` when given. */
function measure(bundle: string, args: string[], stdoutFile?: string): Promise<Measured> {
  const before = load();
  return new Promise((resolvePromise, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, bundle, ...args], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('exit', (code) => {
      const match = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(err);
      if (!match || (code !== 0 && code !== 1)) {
        reject(new Error(`${args.join(' ')} exited with ${code}: ${err.slice(-2000)}`));
        return;
      }
      if (stdoutFile) writeFileSync(stdoutFile, Buffer.concat(out));
      resolvePromise({
        wall: Number(match[1]),
        cpu: Number(match[2]) + Number(match[3]),
        rssMiB: Number(match[4]) / 1024,
        load: `${before} → ${load()}`,
        stderr: err,
      });
    });
  });
}

function row(label: string, before: Measured | undefined, after: Measured): void {
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const show = (m: Measured) =>
    `wall ${m.wall.toFixed(1)} s, cpu ${m.cpu.toFixed(1)} s, peak RSS ${m.rssMiB.toFixed(0)} MiB (load ${m.load})`;
  console.log(`\n${label}`);
  if (before) console.log(`  before: ${show(before)}`);
  console.log(`  after:  ${show(after)}`);
  if (before)
    console.log(
      `  before/after: wall ${ratio(before.wall, after.wall)}, cpu ${ratio(before.cpu, after.cpu)}, RSS ${ratio(before.rssMiB, after.rssMiB)}`,
    );
}

/** The tree's CLI bundler: scripts/bundle-cli.ts at 441f30d, scripts/bundle-cli.mjs later. */
function bundler(root: string): string {
  const typed = join(root, 'scripts/bundle-cli.ts');
  return existsSync(typed) ? typed : join(root, 'scripts/bundle-cli.mjs');
}

/** Bundles the CLI of the tree at `root` into `outdir` with that tree's own bundler. */
function bundle(root: string, outdir: string): string {
  const script = join(work, `bundle-${Math.random().toString(36).slice(2)}.mts`);
  writeFileSync(
    script,
    `import { bundleCli } from ${JSON.stringify(bundler(root))};\nconsole.log(await bundleCli(${JSON.stringify(outdir)}));\n`,
  );
  return execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8' }).trim();
}

function baselineTree(): string {
  const tree = join(work, 'base-tree');
  if (!existsSync(tree)) {
    execFileSync('git', ['worktree', 'add', '--detach', tree, String(values.base)], {
      cwd: ROOT,
      stdio: 'ignore',
    });
    execFileSync('pnpm', ['install', '--frozen-lockfile', '--offline'], {
      cwd: tree,
      stdio: 'ignore',
      env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip', ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip' },
    });
  }
  return tree;
}

async function startSimulator(cli: string): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [cli, 'sim', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolvePromise) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /(http:\/\/\S+)/.exec(chunk.toString());
      if (match) resolvePromise(match[1]!);
    });
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** A simulated run of `samples` rows: depth 5, 100 per call, a large multiplier so the tree asks for more. */
function runArgs(url: string, out: string, samples: number): string[] {
  const config = join(work, 'big.json');
  writeFileSync(config, JSON.stringify({ synthesis: { infiniteMultiplierBase: 100 } }));
  return [
    'run',
    '--task',
    'gsm8k',
    '--model',
    'sim',
    '--base-url',
    url,
    '--max-samples',
    String(samples),
    '--samples-per-call',
    '100',
    '--concurrency',
    '64',
    '--depth',
    '5',
    '--config',
    config,
    '--no-cache',
    '--out',
    out,
    '-q',
  ];
}

interface Scores {
  datasets: { metrics: Record<string, unknown> }[];
}

function compareMetrics(beforeFile: string, afterFile: string): void {
  const before = (JSON.parse(readFileSync(beforeFile, 'utf8')) as Scores).datasets[0]!.metrics;
  const after = (JSON.parse(readFileSync(afterFile, 'utf8')) as Scores).datasets[0]!.metrics;
  const pick = (metrics: Record<string, unknown>, path: string) =>
    path.split('.').reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], metrics);
  console.log('  metrics (before → after; ± is the standard error of a sampled one):');
  for (const path of [
    'meanCosine',
    'leafCosine.withinLeaf',
    'leafCosine.acrossLeaves',
    'vendi',
    'distinctN.2.ratio',
    'duplicates.nearDuplicateRate',
    'selfBleu.score',
    'nearestNeighbour.mean',
    'clusterEntropy.entropy',
  ]) {
    const a = pick(before, path) as number;
    const b = pick(after, path) as number;
    const error = pick(after, `${path.split('.')[0]}.standardError`) as number | undefined;
    const relative = Math.abs(b - a) / Math.max(Math.abs(a), 1e-12);
    console.log(
      `    ${path}: ${a} → ${b}${error !== undefined ? ` ± ${error.toPrecision(2)} (${(Math.abs(b - a) / error).toFixed(1)} SE apart)` : ` (relative difference ${relative.toExponential(1)})`}`,
    );
  }
}

async function main(): Promise<void> {
  console.log(`work folder ${work}; baseline: main at ${values.base} (git worktree, bundled)`);
  const after = bundle(ROOT, join(work, 'cli-after'));
  const before = bundle(baselineTree(), join(work, 'cli-before'));
  const simulator = await startSimulator(after);
  const url = `${simulator.url}`;
  try {
    const run100k = join(work, 'run100k');
    const run1m = join(work, 'run1m');
    const old1m = join(work, 'run1m-before');
    if (!existsSync(run100k)) await measure(after, runArgs(url, run100k, SMALL));

    row(
      `simulated run of ${count(LARGE)} samples (treesynth run ... --max-samples ${LARGE})`,
      await measure(before, runArgs(url, old1m, LARGE)),
      await measure(after, runArgs(url, run1m, LARGE)),
    );
    rmSync(old1m, { recursive: true, force: true });

    const resume = [...runArgs(url, run1m, LARGE), '--resume'];
    row(
      `--resume of the finished ${count(LARGE)}-sample run (the baseline reads every row)`,
      await measure(before, resume),
      await measure(after, resume),
    );

    const evalArgs = (run: string) => ['eval', 'diversity', run, '--json'];
    const before100k = await measure(before, evalArgs(run100k), join(work, 'before100k.json'));
    const after100k = await measure(after, evalArgs(run100k), join(work, 'after100k.json'));
    row(
      `eval diversity of the ${count(SMALL)}-row run (embedder: hashing, 1024 dims, the default)`,
      before100k,
      after100k,
    );
    compareMetrics(join(work, 'before100k.json'), join(work, 'after100k.json'));

    if (!values['skip-1m-eval']) {
      const before1m = values['old-1m']
        ? await measure(before, evalArgs(run1m), join(work, 'before1m.json'))
        : undefined;
      const after1m = await measure(after, evalArgs(run1m), join(work, 'after1m.json'));
      row(
        `eval diversity of the ${count(LARGE)}-row run (embedder: hashing, 1024 dims)${before1m ? '' : '; baseline not run (about 20 GiB; --old-1m runs it)'}`,
        before1m,
        after1m,
      );
      if (before1m) compareMetrics(join(work, 'before1m.json'), join(work, 'after1m.json'));
    }
  } finally {
    simulator.stop();
    if (!values.keep) {
      if (existsSync(join(work, 'base-tree')))
        execFileSync('git', ['worktree', 'remove', '--force', join(work, 'base-tree')], {
          cwd: ROOT,
          stdio: 'ignore',
        });
      rmSync(work, { recursive: true, force: true });
    }
  }
}

await main();
