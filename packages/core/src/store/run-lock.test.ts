import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunLockedError } from '../errors/run-locked-error.js';
import { RUN_LOCK_FILE, RunLock, readLockHolder } from './run-lock.js';

const folder = () => mkdtempSync(join(tmpdir(), 'treesynth-lock-'));

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function writeHolder(dir: string, holder: Record<string, unknown>): void {
  writeFileSync(
    join(dir, RUN_LOCK_FILE),
    JSON.stringify({
      hostname: hostname(),
      startedAt: '2026-01-01T00:00:00.000Z',
      token: 'other',
      ...holder,
    }),
  );
}

describe('RunLock', () => {
  it('holds the folder: pid and host in the file, a second taker refused by name, free again after release', () => {
    const dir = folder();
    const lock = RunLock.acquire(dir);
    const holder = readLockHolder(join(dir, RUN_LOCK_FILE));
    expect(holder).toMatchObject({ pid: process.pid, hostname: hostname(), token: lock.holder.token });
    let refused: unknown;
    try {
      RunLock.acquire(dir);
    } catch (error) {
      refused = error;
    }
    expect(RunLockedError.isInstance(refused)).toBe(true);
    expect((refused as RunLockedError).pid).toBe(process.pid);
    expect((refused as Error).message).toMatch(new RegExp(`in use by pid ${process.pid} on `));
    lock.release();
    lock.release();
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
    RunLock.acquire(dir).release();
  });

  it('takes over the lock of a process that has exited, and of a file that is not a lock', () => {
    const dir = folder();
    const pid = deadPid();
    writeHolder(dir, { pid });
    const lock = RunLock.acquire(dir);
    expect(lock.previous?.pid).toBe(pid);
    expect(readLockHolder(join(dir, RUN_LOCK_FILE))).toMatchObject({ pid: process.pid });
    lock.release();
    writeFileSync(join(dir, RUN_LOCK_FILE), '{"pid": ');
    const again = RunLock.acquire(dir);
    expect(again.previous).toBeUndefined();
    again.release();
  });

  it('refuses a live holder on this host and any holder on another (it cannot check there)', () => {
    const dir = folder();
    writeHolder(dir, { pid: process.ppid });
    expect(() => RunLock.acquire(dir)).toThrow(new RegExp(`in use by pid ${process.ppid}`));
    writeHolder(dir, { pid: deadPid(), hostname: 'elsewhere.example' });
    expect(() => RunLock.acquire(dir)).toThrow(/on elsewhere\.example/);
    expect(readLockHolder(join(dir, RUN_LOCK_FILE))).toMatchObject({ hostname: 'elsewhere.example' });
  });

  it('release leaves a lock that is no longer its own', () => {
    const dir = folder();
    const lock = RunLock.acquire(dir);
    writeHolder(dir, { pid: process.ppid, token: 'someone-else' });
    lock.release();
    expect(readLockHolder(join(dir, RUN_LOCK_FILE))).toMatchObject({ token: 'someone-else' });
  });

  it('is released when the process exits on its own, even through process.exit', () => {
    const dir = folder();
    const module = new URL('./run-lock.ts', import.meta.url).href;
    const code = `import { RunLock } from ${JSON.stringify(module)}; RunLock.acquire(${JSON.stringify(dir)}); process.exit(3);`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code]);
    expect(child.status, child.stderr.toString()).toBe(3);
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
  });
});
