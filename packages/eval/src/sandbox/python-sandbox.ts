import { availableParallelism, tmpdir } from 'node:os';
import { AbortedError, ConfigError } from '@treesynth/core';
import { z } from 'zod';
import type { CodeSandbox, ExecutionLimits, ExecutionResult, SandboxRunOptions } from './execution-result.js';
import { type ProbedSandbox, probeSandbox, type SandboxIsolation } from './isolation.js';
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

/** The per-run limits `run(program, limits)` accepts (the `ExecutionLimits` interface). */
const runLimitsSchema = z
  .object({
    timeoutMs: z.number().int().positive().optional(),
    cpuSeconds: z.number().positive().optional(),
    memoryBytes: z.number().int().positive().optional(),
    maxOutputBytes: z.number().int().positive().optional(),
  })
  .strict();

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
  private probe: Promise<ProbedSandbox> | undefined;
  private active = 0;
  private readonly waiting: Array<{ start: () => void; fail: (error: Error) => void }> = [];
  private readonly running = new Set<RunningProgram>();
  private closed = false;

  constructor(options: PythonSandboxOptions = {}) {
    const parsed = parseOrThrow(pythonSandboxOptionsSchema, options, '');
    this.options = parsed;
    this.poolSize = parsed.poolSize ?? Math.max(1, availableParallelism());
    this.tempRoot = parsed.tempDir ?? tmpdir();
  }

  /** The isolation in effect (probed on first use, once); rejects when the interpreter is missing. */
  async isolation(): Promise<SandboxIsolation> {
    return (await this.probed()).isolation;
  }

  private probed(): Promise<ProbedSandbox> {
    this.probe ??= probeSandbox({
      python: this.options.python,
      namespaces: this.options.namespaces,
      dropPrivileges: this.options.dropPrivileges,
      pythonGuard: this.options.pythonGuard,
      sitePackages: this.options.sitePackages,
      tempRoot: this.tempRoot,
    });
    return this.probe;
  }

  async run(
    program: string,
    limits: ExecutionLimits = {},
    options: SandboxRunOptions = {},
  ): Promise<ExecutionResult> {
    if (this.closed) throw new AbortedError('the sandbox is closed');
    parseOrThrow(runLimitsSchema, limits, 'limits.');
    const probed = await this.probed();
    await this.acquire(options.signal);
    try {
      if (this.closed) throw new AbortedError('the sandbox is closed');
      const limitsForRun = this.resolve(limits, probed.isolation);
      const running = startProgram(program, probed, limitsForRun, this.tempRoot);
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

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, prefix: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError({
    path: `${prefix}${issue?.path.join('.') ?? ''}` || 'options',
    message: issue?.message ?? 'invalid',
  });
}

/** A Python sandbox with the given options (validated; errors name the option). */
export function createPythonSandbox(options: PythonSandboxOptions = {}): PythonSandbox {
  return new PythonSandbox(options);
}
