import { Worker } from 'node:worker_threads';
import { KERNEL_HELPERS, KERNELS, type KernelArgs, type KernelName, type KernelState } from './kernels.js';

/**
 * Threads that run the kernels of `kernels.ts` together: the calling thread plus `threads − 1`
 * workers. `run` posts the kernel to every worker, runs it on the calling thread too, and resolves
 * when all have finished; the kernel's shared cursor splits the work.
 */
export interface KernelPool {
  readonly threads: number;
  run<Name extends KernelName>(kernel: Name, args: Omit<KernelArgs<Name>, 'cursor'>): Promise<void>;
  /**
   * Sets `state[key]` on every thread: workers get a structured clone (so private arrays become
   * private copies), the calling thread the value itself. Later runs see it; `undefined` frees it.
   */
  share<Key extends keyof KernelState>(key: Key, value: KernelState[Key]): void;
  /** Terminates the workers; the pool cannot run after. */
  close(): Promise<void>;
}

interface WorkerReply {
  id: number;
  error?: string;
}

/** The worker's message loop; runs inside the worker, so it refers to nothing outside itself. */
function workerMain(
  port: {
    on(event: 'message', listener: (message: unknown) => void): void;
    postMessage(value: unknown): void;
  },
  kernels: Record<string, (args: unknown, state: Record<string, unknown>) => void>,
): void {
  const state: Record<string, unknown> = {};
  port.on('message', (message) => {
    const { type, key, value, id, kernel, args } = message as {
      type: 'share' | 'run';
      key: string;
      value: unknown;
      id: number;
      kernel: string;
      args: unknown;
    };
    if (type === 'share') {
      state[key] = value;
      return;
    }
    try {
      kernels[kernel]!(args, state);
      port.postMessage({ id });
    } catch (error) {
      port.postMessage({
        id,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
  });
}

/** The name a function's own text declares (a bundler may rename it and keep `.name`). */
function declaredName(source: string): string {
  const match = /^function\s*\*?\s*([\w$]+)\s*\(/.exec(source);
  if (!match?.[1]) throw new Error(`t-SNE worker: cannot read a function name from ${source.slice(0, 60)}`);
  return match[1];
}

let workerSource: string | undefined;

/**
 * The worker's script: the kernels' and helpers' own source text, so the same code runs in workers
 * whether this module was loaded from TypeScript (tsx, vitest) or from the built JavaScript, with no
 * worker file to locate. `__name` is the helper some transpilers insert to keep function names.
 */
function buildWorkerSource(): string {
  if (workerSource) return workerSource;
  const parts = ['"use strict";', 'var __name = (target) => target;'];
  const table: string[] = [];
  for (const helper of KERNEL_HELPERS) parts.push(helper.toString());
  for (const [name, kernel] of Object.entries(KERNELS)) {
    const source = kernel.toString();
    parts.push(source);
    table.push(`${JSON.stringify(name)}: ${declaredName(source)}`);
  }
  const main = workerMain.toString();
  parts.push(main);
  parts.push(`${declaredName(main)}(require('node:worker_threads').parentPort, { ${table.join(', ')} });`);
  workerSource = parts.join('\n');
  return workerSource;
}

/** Starts a pool of `threads` threads in all (the calling one included). */
export function createKernelPool(threads: number): KernelPool {
  const workers: Worker[] = [];
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void; left: number }>();
  let nextId = 0;
  let failure: Error | undefined;
  const state: KernelState = {};
  let closed = false;

  const fail = (error: Error) => {
    failure ??= error;
    for (const entry of pending.values()) entry.reject(error);
    pending.clear();
  };

  for (let index = 1; index < threads; index++) {
    // No execArgv: the script is plain JavaScript, and a TypeScript loader would only slow the start.
    const worker = new Worker(buildWorkerSource(), { eval: true, execArgv: [] });
    worker.on('message', (reply: WorkerReply) => {
      const entry = pending.get(reply.id);
      if (!entry) return;
      if (reply.error !== undefined) {
        pending.delete(reply.id);
        entry.reject(new Error(`t-SNE worker failed: ${reply.error}`));
        return;
      }
      entry.left--;
      if (entry.left === 0) {
        pending.delete(reply.id);
        entry.resolve();
      }
    });
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => {
      if (!closed) fail(new Error(`t-SNE worker exited unexpectedly with code ${code}`));
    });
    workers.push(worker);
  }

  return {
    threads: workers.length + 1,
    async run(kernel, args) {
      if (closed) throw new Error('t-SNE kernel pool is closed');
      if (failure) throw failure;
      const cursor = new Int32Array(new SharedArrayBuffer(4));
      const fullArgs = { ...args, cursor } as KernelArgs<typeof kernel>;
      const id = nextId++;
      const done =
        workers.length === 0
          ? Promise.resolve()
          : new Promise<void>((resolve, reject) => {
              pending.set(id, { resolve, reject, left: workers.length });
            });
      for (const worker of workers) worker.postMessage({ type: 'run', id, kernel, args: fullArgs });
      let localError: unknown;
      try {
        (KERNELS[kernel] as (args: KernelArgs<typeof kernel>, state: KernelState) => void)(fullArgs, state);
      } catch (error) {
        localError = error;
      }
      // Wait for the workers even after a local failure, so no one writes to buffers we give up.
      await done.catch((error: unknown) => {
        localError ??= error;
      });
      if (localError !== undefined) throw localError;
    },
    share(key, value) {
      if (closed) throw new Error('t-SNE kernel pool is closed');
      state[key] = value;
      for (const worker of workers) worker.postMessage({ type: 'share', key, value });
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const entry of pending.values()) entry.reject(new Error('t-SNE kernel pool closed'));
      pending.clear();
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
