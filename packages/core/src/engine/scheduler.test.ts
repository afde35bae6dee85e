import { describe, expect, it } from 'vitest';
import { AbortedError } from '../errors/abort-error.js';
import { Scheduler } from './scheduler.js';

/** A task that runs until `finish()` is called, recording when it started. */
function heldTask(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

describe('Scheduler', () => {
  it('refuses a concurrency that is not a positive integer', () => {
    expect(() => new Scheduler(0)).toThrow(/positive integer/);
    expect(() => new Scheduler(1.5)).toThrow(/positive integer/);
  });

  it('runs at most `concurrency` tasks and gives a free slot to the oldest tree waiter before any leaf waiter', async () => {
    const scheduler = new Scheduler(1);
    const started: string[] = [];
    const first = heldTask(started, 'leaf-1');
    const running = scheduler.run('leaf', first.task);
    const queued = [
      scheduler.run('leaf', async () => started.push('leaf-2')),
      scheduler.run('tree', async () => started.push('tree-1')),
      scheduler.run('tree', async () => started.push('tree-2')),
    ];
    await Promise.resolve();
    expect(started).toEqual(['leaf-1']);
    expect(scheduler.running).toBe(1);
    expect(scheduler.queued).toBe(3);
    first.finish();
    await Promise.all([running, ...queued]);
    expect(started).toEqual(['leaf-1', 'tree-1', 'tree-2', 'leaf-2']);
    expect(scheduler.running).toBe(0);
    expect(scheduler.queued).toBe(0);
  });

  it('fills every slot at once, and passes on the slot of a task that throws', async () => {
    const scheduler = new Scheduler(2);
    const started: string[] = [];
    const a = heldTask(started, 'a');
    const b = heldTask(started, 'b');
    const runs = [scheduler.run('leaf', a.task), scheduler.run('leaf', b.task)];
    const failing = scheduler.run('tree', async () => {
      throw new Error('boom');
    });
    const after = scheduler.run('leaf', async () => started.push('after'));
    await Promise.resolve();
    expect(started).toEqual(['a', 'b']);
    a.finish();
    await expect(failing).rejects.toThrow('boom');
    await after;
    expect(started).toEqual(['a', 'b', 'after']);
    b.finish();
    await Promise.all(runs);
    expect(scheduler.running).toBe(0);
  });

  it('drops an aborted waiter from the queue and rejects it with AbortedError; an aborted signal never starts', async () => {
    const scheduler = new Scheduler(1);
    const started: string[] = [];
    const holder = heldTask(started, 'holder');
    const running = scheduler.run('tree', holder.task);
    const controller = new AbortController();
    const waiting = scheduler.run('leaf', async () => started.push('aborted'), controller.signal);
    expect(scheduler.queued).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortedError);
    expect(scheduler.queued).toBe(0);
    await expect(scheduler.run('leaf', async () => 'never', controller.signal)).rejects.toBeInstanceOf(
      AbortedError,
    );
    holder.finish();
    await running;
    expect(started).toEqual(['holder']);
    expect(scheduler.running).toBe(0);
  });
});
