import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortedError, ConfigError } from '@treesynth/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectContained, processesMentioning } from './_sandbox-test-helpers.fixture.js';
import { createPythonSandbox, type PythonSandbox } from './python-sandbox.js';

describe('PythonSandbox pool and lifecycle', () => {
  let tempRoot: string;
  const sandboxes: PythonSandbox[] = [];
  const open = (options: Parameters<typeof createPythonSandbox>[0] = {}) => {
    const sandbox = createPythonSandbox({ tempDir: tempRoot, ...options });
    sandboxes.push(sandbox);
    return sandbox;
  };

  beforeEach(() => {
    tempRoot = mkdtempSync(join(tmpdir(), 'ts-sandbox-pool-'));
    chmodSync(tempRoot, 0o711);
  });
  afterEach(async () => {
    for (const sandbox of sandboxes.splice(0)) await sandbox.close();
    rmSync(tempRoot, { recursive: true, force: true });
  });

  it('sizes the pool to the cores by default', () => {
    expect(open().poolSize).toBe(availableParallelism());
    expect(open({ poolSize: 3 }).poolSize).toBe(3);
  });

  it('runs at most poolSize programs at once and queues the rest', async () => {
    const sandbox = open({ poolSize: 2 });
    const program = 'import time\nstart = time.time()\ntime.sleep(0.4)\nprint(start, time.time())';
    const results = await Promise.all(Array.from({ length: 6 }, () => sandbox.run(program)));
    expect(results.every((result) => result.status === 'ok')).toBe(true);
    const spans = results.map((result) => result.stdout.trim().split(' ').map(Number) as [number, number]);
    let mostAtOnce = 0;
    for (const [start] of spans) {
      const overlapping = spans.filter(([from, to]) => from <= start && start < to).length;
      mostAtOnce = Math.max(mostAtOnce, overlapping);
    }
    expect(mostAtOnce).toBe(2);
    await expectContained(sandbox, tempRoot);
  });

  it('close() kills the programs in flight, fails the queued ones, and leaves nothing behind', async () => {
    const sandbox = open({ poolSize: 1 });
    const first = sandbox.run('import time\nprint("started", flush=True)\ntime.sleep(60)', {
      timeoutMs: 60_000,
    });
    const queued = sandbox.run('print("never")').catch((error: unknown) => error);
    for (let attempt = 0; attempt < 100 && processesMentioning(tempRoot).length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(processesMentioning(tempRoot).length).toBeGreaterThan(0);
    await sandbox.close();
    await expect(first).resolves.toMatchObject({ status: 'killed' });
    expect(await queued).toBeInstanceOf(AbortedError);
    await expect(sandbox.run('print(1)')).rejects.toBeInstanceOf(AbortedError);
    expect(processesMentioning(tempRoot)).toEqual([]);
    expect(readdirSync(tempRoot)).toEqual([]);
  });

  it('removes the run directory even when the program locked parts of it', async () => {
    const sandbox = open({ poolSize: 1 });
    const program = [
      'import os',
      "os.makedirs('a/b')",
      "open('a/b/file.txt', 'w').write('x')",
      "os.chmod('a/b', 0)",
      "os.chmod('a', 0)",
      "print(sorted(os.listdir('.')))",
    ].join('\n');
    const result = await sandbox.run(program);
    expect(result.status).toBe('ok');
    expect(result.stdout).toBe("['a', 'program.py']\n");
    await expectContained(sandbox, tempRoot);
  });

  it('kills a program when its signal aborts', async () => {
    const sandbox = open({ poolSize: 1 });
    // The first run probes the interpreter and the isolation (seconds under load); an abort before the
    // program starts rejects with AbortedError instead, which is not what this test is about.
    expect((await sandbox.run('pass')).status).toBe('ok');
    const controller = new AbortController();
    const running = sandbox.run(
      'import time\ntime.sleep(60)',
      { timeoutMs: 60_000 },
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 500);
    const result = await running;
    expect(result.status).toBe('killed');
    expect(result.durationMs).toBeLessThan(30_000);
    await expectContained(sandbox, tempRoot);
  });

  it('says how to install python3 when the interpreter is missing, in one line', async () => {
    const sandbox = open({ python: '/nonexistent/bin/python3' });
    const error = await sandbox.run('print(1)').catch((caught: unknown) => caught);
    expect(ConfigError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('python: ');
    expect(message).toContain('/nonexistent/bin/python3');
    expect(message).toContain('apt-get install python3');
    expect(message).not.toContain('\n');
  });

  it('names the option that is invalid', () => {
    expect(() => createPythonSandbox({ poolSize: 0 })).toThrow(/^poolSize: /);
    expect(() => createPythonSandbox({ limits: { timeoutMs: -1 } })).toThrow(/^limits\.timeoutMs: /);
  });

  it('names a per-run limit that is invalid', async () => {
    const sandbox = open();
    await expect(sandbox.run('print(1)', { cpuSeconds: 0 })).rejects.toThrow(/^limits\.cpuSeconds: /);
  });

  it('records which isolation is in effect', async () => {
    const isolation = await open().isolation();
    expect(['namespace', 'none']).toContain(isolation.network);
    expect(isolation.pythonGuard).toBe(true);
    expect(isolation.pidNamespace).toBe(isolation.wrapper.length > 0);
    if (process.getuid?.() !== 0) expect(isolation.uid).toBeNull();
    const result = await open().run('import os\nprint(os.getcwd())');
    expect(result.stdout.trim().startsWith(join(tempRoot, 'treesynth-sandbox-'))).toBe(true);
  });
});
