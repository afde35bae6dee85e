import { Worker } from 'node:worker_threads';
import { KERNEL_HELPERS, KERNELS, type KernelArgs, type KernelName, type KernelState } from './kernels.js';

/**
 * Threads that run the kernels of `kernels.ts` together: the calling thread plus `threads − 1`
 * workers. `run` posts the kernel to every worker, runs it on the calling thread too, and resolves
 * when all have finished; the kernel's shared cursor splits the work.
 */
export interface KernelPool {
  readonly threads: number;
  /**
   * Runs a kernel on every thread. By default resolves when every worker has finished. With
   * `completedChunks`, the kernel counts the chunks it finishes in `cursor[4]`, and the call returns
   * as soon as that count reaches `completedChunks(state of the calling thread)`, without waiting
   * for workers that came too late to claim any work (a loaded machine may not schedule them soon).
   */
  run<Name extends KernelName>(
    kernel: Name,
    args: Omit<KernelArgs<Name>, 'cursor'>,
    options?: { completedChunks?: (state: KernelState) => number },
  ): Promise<void>;
  /**
   * Sets `state[key]` on every thread: workers get a structured clone (so private arrays become
   * private copies), the calling thread the value itself. Later runs see it; `undefined` frees it.
   */
  share<Key extends keyof KernelState>(key: Key, value: KernelState[Key]): void;
  /**
   * Asks every worker to close its port once it has finished what it was sent, and resolves when
   * all have exited by themselves; the pool cannot run after. Never terminates a busy worker (see
   * `CLOSE_FALLBACK_MS`).
   */
  close(): Promise<void>;
}

interface WorkerReply {
  id: number;
  error?: string;
}

/**
 * How long `close` waits for a worker to exit by itself before terminating it. Terminating a
 * worker while V8 still compiles code for it on a background thread aborts the whole process (the
 * fatal check in `NodePlatform::ForIsolate`), so `close` never does it to a worker that may be
 * busy; a worker that has not exited a minute after its last message is stuck, not compiling.
 */
const CLOSE_FALLBACK_MS = 60_000;

/**
 * The worker's message loop; runs inside the worker, so it refers to nothing outside itself.
 * 'close' closes the port: the worker's event loop then empties and the thread exits normally,
 * after Node has drained its pending background tasks.
 */
function workerMain(
  port: {
    on(event: 'message', listener: (message: unknown) => void): void;
    postMessage(value: unknown): void;
    close(): void;
  },
  kernels: Record<string, (args: unknown, state: Record<string, unknown>) => void>,
): void {
  const state: Record<string, unknown> = {};
  port.on('message', (message) => {
    const { type, key, value, id, kernel, args } = message as {
      type: 'share' | 'run' | 'close';
      key: string;
      value: unknown;
      id: number;
      kernel: string;
      args: unknown;
    };
    if (type === 'close') {
      port.close();
      return;
    }
    if (type === 'share') {
      state[key] = value;
      return;
    }
    try {
      kernels[kernel]!(args, state);
      port.postMessage({ id });
    } catch (error) {
      // Release a calling thread that waits for chunks this worker will never finish (slot 5).
      const { cursor } = args as { cursor: Int32Array };
      Atomics.store(cursor, 5, 1);
      for (let slot = 0; slot < cursor.length; slot++) Atomics.notify(cursor, slot);
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
  /** Resolve when each worker has exited, for whatever reason. */
  const exits: Promise<void>[] = [];
  const pending = new Map<number, { resolve: () => void; reject: (error: Error) => void; left: number }>();
  let nextId = 0;
  let failure: Error | undefined;
  const state: KernelState = { caller: true };
  let closed = false;
  let closing: Promise<void> | undefined;

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
    exits.push(
      new Promise((resolve) => {
        worker.once('exit', (code) => {
          if (!closed) fail(new Error(`t-SNE worker exited unexpectedly with code ${code}`));
          resolve();
        });
      }),
    );
    workers.push(worker);
  }

  return {
    threads: workers.length + 1,
    async run(kernel, args, options = {}) {
      if (closed) throw new Error('t-SNE kernel pool is closed');
      if (failure) throw failure;
      // Control cells: work cursors for up to four phases, finished chunks, failure flag, and two
      // more a kernel may use to signal its workers.
      const cursor = new Int32Array(new SharedArrayBuffer(32));
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
        // Release workers that wait on this thread (slot 5 marks the failure).
        Atomics.store(cursor, 5, 1);
        for (let slot = 0; slot < cursor.length; slot++) Atomics.notify(cursor, slot);
      }
      if (localError === undefined && options.completedChunks) {
        const total = options.completedChunks(state);
        // Blocks this thread's event loop, so a worker that died holding a chunk would go unseen:
        // after a second without progress, wait for the workers' replies (or exits) instead.
        let finished = Atomics.load(cursor, 4);
        let progressAt = performance.now();
        while (finished < total && Atomics.load(cursor, 5) === 0 && performance.now() - progressAt < 1000) {
          Atomics.wait(cursor, 4, finished, 100);
          const now = Atomics.load(cursor, 4);
          if (now !== finished) {
            finished = now;
            progressAt = performance.now();
          }
        }
        if (finished >= total && Atomics.load(cursor, 5) === 0) {
          // Late workers find nothing to claim; remember a failure if one comes.
          done.catch((error: unknown) => {
            failure ??= error instanceof Error ? error : new Error(String(error));
          });
          return;
        }
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
    close() {
      if (closing) return closing;
      closed = true;
      for (const entry of pending.values()) entry.reject(new Error('t-SNE kernel pool closed'));
      pending.clear();
      // Messages are handled in order, so a worker closes only after the kernels it was sent.
      closing = Promise.all(
        workers.map(async (worker, index) => {
          worker.postMessage({ type: 'close' });
          let timer: NodeJS.Timeout | undefined;
          const stuck = new Promise<'stuck'>((resolve) => {
            timer = setTimeout(() => resolve('stuck'), CLOSE_FALLBACK_MS);
          });
          if ((await Promise.race([exits[index]!, stuck])) === 'stuck') await worker.terminate();
          clearTimeout(timer);
        }),
      ).then(() => undefined);
      return closing;
    },
  };
}
