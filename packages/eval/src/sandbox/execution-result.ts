/**
 * What running one program produced. `status`:
 * - `ok`: exited 0 within its limits;
 * - `failed`: exited non-zero (an assertion, an exception, `sys.exit(1)`);
 * - `timeout`: passed its wall-time or CPU-time limit and was killed with its whole process group;
 * - `killed`: ended by a signal for another reason (the address-space limit, the output cap).
 */
export interface ExecutionResult {
  readonly status: 'ok' | 'failed' | 'timeout' | 'killed';
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** Up to the output cap; `truncated` says whether more was written. */
  readonly stdout: string;
  readonly stderr: string;
  readonly truncated: boolean;
  readonly durationMs: number;
}

/** Per-program limits; every field has a default in the sandbox. */
export interface ExecutionLimits {
  /** Wall-clock limit in ms. */
  readonly timeoutMs?: number;
  /** CPU-time limit in seconds (RLIMIT_CPU). */
  readonly cpuSeconds?: number;
  /** Address-space limit in bytes (RLIMIT_AS). */
  readonly memoryBytes?: number;
  /** Bytes of stdout plus stderr kept; a program that writes more is killed. */
  readonly maxOutputBytes?: number;
}

/** Per-run options beside the limits. */
export interface SandboxRunOptions {
  /** Aborting kills the program (result `killed`) or, while it waits in the queue, rejects the run. */
  readonly signal?: AbortSignal;
}

/** Runs untrusted Python programs; `@treesynth/eval`'s PythonSandbox is the implementation. */
export interface CodeSandbox {
  run(program: string, limits?: ExecutionLimits, options?: SandboxRunOptions): Promise<ExecutionResult>;
  close(): Promise<void>;
}
