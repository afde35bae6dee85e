import { AbortedError } from '../errors/abort-error.js';

export type Priority = 'tree' | 'leaf';

/**
 * One global concurrency limit with two priorities. A free slot goes to the oldest tree-building
 * waiter first, then to the oldest leaf waiter, so the tree grows as fast as possible while leaf
 * calls fill every slot the tree does not need. There are no level barriers: whoever waits, runs.
 */
export class Scheduler {
  private active = 0;
  private readonly waiting: Record<Priority, Array<() => void>> = { tree: [], leaf: [] };
  readonly concurrency: number;

  constructor(concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new Error('concurrency must be a positive integer');
    this.concurrency = concurrency;
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.tree.length + this.waiting.leaf.length;
  }

  /** Run `task` when a slot is free. */
  async run<T>(priority: Priority, task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(priority, signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  acquire(priority: Priority, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(new AbortedError(signal.reason));
    if (this.active < this.concurrency && this.queued === 0) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const queue = this.waiting[priority];
        const index = queue.indexOf(grant);
        if (index >= 0) queue.splice(index, 1);
        reject(new AbortedError(signal?.reason));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting[priority].push(grant);
    });
  }

  release(): void {
    const next = this.waiting.tree.shift() ?? this.waiting.leaf.shift();
    if (next)
      next(); // the slot passes straight to the next waiter
    else this.active--;
  }
}
