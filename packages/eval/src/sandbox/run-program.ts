import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, chown, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:os';
import { join } from 'node:path';
import type { ExecutionResult } from './execution-result.js';
import { PREAMBLE_LOADER, preambleArguments } from './guard-preamble.js';
import type { ProbedSandbox } from './isolation.js';

/** Every limit resolved to a number (0 = unset for the file and process limits). */
export interface ResolvedLimits {
  readonly timeoutMs: number;
  readonly cpuSeconds: number;
  readonly memoryBytes: number;
  readonly maxOutputBytes: number;
  readonly fileBytes: number;
  readonly processes: number;
}

/** Each run's directory starts with this; tests find leftover processes and folders by it. */
export const RUN_DIRECTORY_PREFIX = 'treesynth-sandbox-';
/** After the first process exits, how long to wait for its pipes before closing them ourselves. */
const DRAIN_MS = 1_000;

export interface RunningProgram {
  readonly result: Promise<ExecutionResult>;
  /** Kills the whole process group now (the result still comes, as `killed`). */
  kill(): void;
}

/** Runs one program in its own directory and process group; the directory is removed afterwards. */
export function startProgram(
  program: string,
  probed: ProbedSandbox,
  limits: ResolvedLimits,
  tempRoot: string,
): RunningProgram {
  const { isolation } = probed;
  let child: ChildProcess | undefined;
  let killRequested = false;
  const kill = () => {
    killRequested = true;
    if (child !== undefined) killGroup(child);
  };
  const result = (async () => {
    const directory = await mkdtemp(join(tempRoot, RUN_DIRECTORY_PREFIX));
    try {
      const programPath = join(directory, 'program.py');
      await writeFile(programPath, program, { mode: 0o644 });
      if (isolation.uid !== null && isolation.gid !== null) {
        await chown(directory, isolation.uid, isolation.gid);
        await chown(programPath, isolation.uid, isolation.gid);
      }
      const started = performance.now();
      child = spawnProgram(programPath, directory, probed, limits);
      if (killRequested) killGroup(child);
      const outcome = await collect(child, limits);
      return {
        ...outcome,
        status: killRequested && outcome.status !== 'timeout' ? 'killed' : outcome.status,
        durationMs: performance.now() - started,
      } satisfies ExecutionResult;
    } finally {
      await removeDirectory(directory);
    }
  })();
  return { result, kill };
}

function spawnProgram(
  programPath: string,
  directory: string,
  { isolation, compiledPreamble }: ProbedSandbox,
  limits: ResolvedLimits,
): ChildProcess {
  const [command = isolation.python, ...args] = [
    ...isolation.wrapper,
    isolation.python,
    ...isolation.pythonFlags,
    '-c',
    PREAMBLE_LOADER,
    compiledPreamble,
    ...preambleArguments({
      programPath,
      directory,
      cpuSeconds: limits.cpuSeconds,
      memoryBytes: limits.memoryBytes,
      fileBytes: limits.fileBytes,
      processes: limits.processes,
      guard: isolation.pythonGuard,
    }),
  ];
  const ids =
    isolation.uid !== null && isolation.gid !== null ? { uid: isolation.uid, gid: isolation.gid } : {};
  return spawn(command, args, {
    cwd: directory,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: directory,
      TMPDIR: directory,
      LANG: 'C.UTF-8',
    },
    ...ids,
  });
}

type Outcome = Omit<ExecutionResult, 'durationMs'>;

function collect(child: ChildProcess, limits: ResolvedLimits): Promise<Outcome> {
  return new Promise((resolve) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let kept = 0;
    let truncated = false;
    let timedOut = false;
    let reportedSignal = '';
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    let settled = false;

    const keep = (into: Buffer[]) => (chunk: Buffer) => {
      if (truncated) return;
      const room = limits.maxOutputBytes - kept;
      if (chunk.length > room) {
        into.push(chunk.subarray(0, Math.max(0, room)));
        kept = limits.maxOutputBytes;
        truncated = true;
        killGroup(child);
        return;
      }
      into.push(chunk);
      kept += chunk.length;
    };
    child.stdout?.on('data', keep(stdout));
    child.stderr?.on('data', keep(stderr));
    child.stdio[3]?.on('data', (chunk: Buffer) => {
      reportedSignal += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, limits.timeoutMs);
    let drainTimer: NodeJS.Timeout | undefined;

    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drainTimer);
      for (const stream of [child.stdout, child.stderr, child.stdio[3]]) stream?.destroy();
      const signal = signalName(reportedSignal.trim()) ?? exit?.signal ?? null;
      const exitCode = signal === null ? (exit?.code ?? null) : null;
      let status: ExecutionResult['status'];
      if (timedOut || signal === 'SIGXCPU') status = 'timeout';
      else if (truncated || signal !== null) status = 'killed';
      else status = exitCode === 0 ? 'ok' : 'failed';
      const errorText = spawnError === undefined ? '' : `sandbox: could not start: ${spawnError.message}\n`;
      resolve({
        status,
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: errorText + Buffer.concat(stderr).toString('utf8'),
        truncated,
      });
    };
    child.on('error', (error) => {
      spawnError = error;
      finish();
    });
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      // Whatever the program left behind (a forked child holding the pipes) goes with it.
      killGroup(child);
      drainTimer = setTimeout(finish, DRAIN_MS);
    });
    child.on('close', finish);
  });
}

function signalName(reported: string): NodeJS.Signals | null {
  if (reported === '') return null;
  const number = Number(reported);
  const entry = Object.entries(constants.signals).find(([, value]) => value === number);
  return (entry?.[0] as NodeJS.Signals | undefined) ?? null;
}

/** SIGKILL to the whole process group (the child is its leader: it was spawned detached). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Removes the run's directory even when the program made parts of it unwritable. */
async function removeDirectory(directory: string): Promise<void> {
  try {
    await rm(directory, { recursive: true, force: true });
  } catch {
    await makeWritable(directory);
    await rm(directory, { recursive: true, force: true });
  }
}

async function makeWritable(directory: string): Promise<void> {
  await chmod(directory, 0o700).catch(() => undefined);
  const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await makeWritable(join(directory, entry.name));
  }
}
