import { availableParallelism, tmpdir } from 'node:os';
import { AbortedError, ConfigError } from '@treesynth/core';
import { z } from 'zod';
import type { CodeSandbox, ExecutionLimits, ExecutionResult, SandboxRunOptions } from './execution-result.js';
import { probeIsolation, type SandboxIsolation } from './isolation.js';
import { type ResolvedLimits, type RunningProgram, startProgram } from './run-program.js';

const limitsSchema = z.object({
  timeoutMs: z.number().int().positive().default(10_000),
  cpuSeconds: z.number().positive().default(10),
  memoryBytes: z
    .number()
    .int()
    .positive()
    .default(2 * 1024 ** 3),
  maxOutputBytes: z
    .number()
    .int()
    .positive()
    .default(1024 ** 2),
  /** RLIMIT_FSIZE: the largest file a program may write. */
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(64 * 1024 ** 2),
  /** RLIMIT_NPROC, applied where processes are counted per run (see docs/sandbox.md). */
  maxProcesses: z.number().int().positive().default(64),
});

export const pythonSandboxOptionsSchema = z
  .object({
    /** The interpreter: a name looked up on PATH or a path. */
    python: z.string().min(1).default('python3'),
    /** Programs run at once; more wait in a queue. Default: the number of cores. */
    poolSize: z.number().int().positive().optional(),
    /** Where each run's temporary directory is made. Default: the OS temp dir. */
    tempDir: z.string().min(1).optional(),
    /** Default limits for each run; `run(program, limits)` overrides them per program. */
    limits: limitsSchema.prefault({}),
    /** Private network and PID namespaces (`unshare`) where the OS allows them. */
    namespaces: z.boolean().default(true),
    /** When started as root, run programs as nobody (65534). */
    dropPrivileges: z.boolean().default(true),
    /**
     * Load `site` (site-packages and their .pth start-up hooks). Off by default: the benchmarks
     * need only the standard library, and starting without it is faster and runs no foreign hooks.
     */
    sitePackages: z.boolean().default(false),
    /** The Python-level guard (no sockets, kill, subprocess, writes outside the run's directory). */
    pythonGuard: z.boolean().default(true),
  })
  .strict();

export type PythonSandboxOptions = z.input<typeof pythonSandboxOptionsSchema>;

/** Runs untrusted Python programs, each in its own process group and temp directory, with limits. */
export class PythonSandbox implements CodeSandbox {
  readonly poolSize: number;
  private readonly options: z.output<typeof pythonSandboxOptionsSchema>;
  private readonly tempRoot: string;
  private isolationPromise: Promise<SandboxIsolation> | undefined;
  private active = 0;
  private readonly waiting: Array<{ start: () => void; fail: (error: Error) => void }> = [];
  private readonly running = new Set<RunningProgram>();
  private closed = false;

  constructor(options: PythonSandboxOptions = {}) {
    const parsed = pythonSandboxOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError({
        path: issue?.path.join('.') || 'options',
        message: issue?.message ?? 'invalid',
      });
    }
    this.options = parsed.data;
    this.poolSize = parsed.data.poolSize ?? Math.max(1, availableParallelism());
    this.tempRoot = parsed.data.tempDir ?? tmpdir();
  }

  /** The isolation in effect (probed on first use, once); rejects when the interpreter is missing. */
  isolation(): Promise<SandboxIsolation> {
    this.isolationPromise ??= probeIsolation({
      python: this.options.python,
      namespaces: this.options.namespaces,
      dropPrivileges: this.options.dropPrivileges,
      pythonGuard: this.options.pythonGuard,
      sitePackages: this.options.sitePackages,
      tempRoot: this.tempRoot,
    });
    return this.isolationPromise;
  }

  async run(
    program: string,
    limits: ExecutionLimits = {},
    options: SandboxRunOptions = {},
  ): Promise<ExecutionResult> {
    if (this.closed) throw new AbortedError('the sandbox is closed');
    const isolation = await this.isolation();
    await this.acquire(options.signal);
    try {
      if (this.closed) throw new AbortedError('the sandbox is closed');
      const running = startProgram(program, isolation, this.resolve(limits, isolation), this.tempRoot);
      this.running.add(running);
      const onAbort = () => running.kill();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await running.result;
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
        this.running.delete(running);
      }
    } finally {
      this.release();
    }
  }

  /** Kills every program in flight, fails the queued ones, and waits for their directories to go. */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.fail(new AbortedError('the sandbox is closed'));
    const inFlight = [...this.running];
    for (const running of inFlight) running.kill();
    await Promise.allSettled(inFlight.map((running) => running.result));
  }

  private resolve(limits: ExecutionLimits, isolation: SandboxIsolation): ResolvedLimits {
    const defaults = this.options.limits;
    // RLIMIT_NPROC counts every process of the uid: per run inside a user namespace, shared by the
    // pool when all runs are nobody without one, and meaningless (or harmful) as our own user.
    const perRun = isolation.wrapper.includes('-rn');
    const shared = !perRun && isolation.uid !== null;
    const processes = perRun ? defaults.maxProcesses : shared ? defaults.maxProcesses * this.poolSize : 0;
    return {
      timeoutMs: limits.timeoutMs ?? defaults.timeoutMs,
      cpuSeconds: limits.cpuSeconds ?? defaults.cpuSeconds,
      memoryBytes: limits.memoryBytes ?? defaults.memoryBytes,
      maxOutputBytes: limits.maxOutputBytes ?? defaults.maxOutputBytes,
      fileBytes: defaults.maxFileBytes,
      processes,
    };
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason));
    if (this.active < this.poolSize) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          this.active += 1;
          resolve();
        },
        fail: (error: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        waiter.fail(new AbortedError(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    this.active -= 1;
    this.waiting.shift()?.start();
  }
}

/** A Python sandbox with the given options (validated; errors name the option). */
export function createPythonSandbox(options: PythonSandboxOptions = {}): PythonSandbox {
  return new PythonSandbox(options);
}
