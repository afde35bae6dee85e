import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, inject } from 'vitest';

declare module 'vitest' {
  interface ProvidedContext {
    /** The bundled CLI's entry file, made once per test run by scripts/cli-bundle.global-setup.ts. */
    cliBundle?: string;
  }
}

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MAIN = join(ROOT, 'apps/cli/src/main.ts');

/**
 * How to start the CLI: the bundle of its source that the test run made once (the `cli` project's
 * globalSetup, scripts/cli-bundle.global-setup.ts), or, outside that project, the source through tsx
 * as `pnpm treesynth` does. Either way a real child process, with real signals and exit codes.
 */
function cliCommand(): string[] {
  const bundle = inject('cliBundle');
  return bundle ? [bundle] : ['--conditions=@treesynth/source', '--import', 'tsx', MAIN];
}

/** Start the real CLI as a child process. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [...cliCommand(), ...args], {
    cwd: ROOT,
    env: { ...process.env, OPENAI_API_KEY: '', OPENAI_BASE_URL: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function collect(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolvePromise) => {
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

export function runCli(args: string[], env?: NodeJS.ProcessEnv): Promise<CliResult> {
  return collect(spawnCli(args, env));
}

export function readSamples(dir: string): Array<Record<string, unknown> & { id: string }> {
  const file = join(dir, 'samples.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));
}

export function countLines(file: string): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
}

/** A run of a few seconds against the simulator: a gsm8k tree of depth 2, hundreds of samples. */
export const SMALL_RUN = [
  'run',
  '--task',
  'gsm8k',
  '--model',
  'sim',
  '--depth',
  '2',
  '--seed',
  '11',
  '--concurrency',
  '6',
  '--quiet',
];

/** `treesynth sim` as its own process on a free port, as the docs' examples run it; its URL once listening. */
export async function startSimCli(): Promise<{ url: string; stop: () => void }> {
  const sim = spawnCli(['sim', '--port', '0']);
  let banner = '';
  sim.stdout?.on('data', (chunk: Buffer) => {
    banner += chunk.toString();
  });
  try {
    await waitFor(() => banner.includes('/v1'), 30_000);
  } catch (error) {
    sim.kill('SIGTERM');
    throw error;
  }
  return { url: /(http:\/\/\S+\/v1)/.exec(banner)![1]!, stop: () => sim.kill('SIGTERM') };
}

/** Poll until `condition` holds; throws after `timeoutMs`. */
export async function waitFor(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Bad input: exit 2 (unless `code` says otherwise) and one line on stderr, `treesynth: ...`, matching `pattern`. */
export function expectOneLineError(
  result: Pick<CliResult, 'code' | 'stderr'>,
  pattern: RegExp,
  code = 2,
): void {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^treesynth: /);
  expect(lines[0]).toMatch(pattern);
}
