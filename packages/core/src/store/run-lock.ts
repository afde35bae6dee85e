import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { RunLockedError } from '../errors/run-locked-error.js';
import { RunStoreError } from '../errors/run-store-error.js';
import { RunWriteError } from '../errors/run-write-error.js';
import { temporaryPath } from './atomic-write.js';

/** The lock file of a run folder (and of a balance folder). */
export const RUN_LOCK_FILE = '.treesynth.lock';

const lockHolderSchema = z.object({
  pid: z.number().int().positive(),
  hostname: z.string(),
  startedAt: z.string(),
  /** Tells this holder from a later one with the same pid. */
  token: z.string(),
});

/** Who holds a lock: what the lock file says. */
export type LockHolder = z.infer<typeof lockHolderSchema>;

/** Locks this process holds; released when it exits, however it exits short of a kill. */
const held = new Set<RunLock>();

/** The holder named in a lock file: `missing` when there is none, `unreadable` when it is not a lock. */
export function readLockHolder(file: string): LockHolder | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = lockHolderSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : 'unreadable';
  } catch {
    return 'unreadable';
  }
}

/**
 * Whether a holder may still be running. On this machine: its pid is alive (for our own pid, only
 * if this process took the lock); on another machine we cannot tell, so yes.
 */
export function isHolderAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return [...held].some((lock) => lock.holder.token === holder.token);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function lockedError(dir: string, file: string, holder: LockHolder): RunLockedError {
  return new RunLockedError({ dir, lockFile: file, ...holder });
}

/** Throw `RunLockedError` when a live process holds `dir`'s lock. */
export function checkNotLocked(dir: string): void {
  const file = join(dir, RUN_LOCK_FILE);
  const holder = readLockHolder(file);
  if (typeof holder === 'object' && isHolderAlive(holder)) throw lockedError(dir, file, holder);
}

/** Create the lock file with its content in one step: link a written temp file; false if one exists. */
function createLockFile(file: string, holder: LockHolder): boolean {
  const temporary = temporaryPath(file);
  try {
    writeFileSync(temporary, `${JSON.stringify(holder)}\n`);
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new RunWriteError({ file, cause: error });
  } finally {
    rmSync(temporary, { force: true });
  }
}

/**
 * An exclusive lock on a folder: `.treesynth.lock` holding pid, hostname and start time, created
 * with O_EXCL semantics. A lock whose holder is dead (same host, pid gone) is taken over.
 */
export class RunLock {
  private released = false;

  private constructor(
    readonly file: string,
    readonly holder: LockHolder,
    /** The dead holder whose lock this one took over, if any: that process stopped without closing. */
    readonly previous: LockHolder | undefined,
  ) {}

  static acquire(dir: string): RunLock {
    const file = join(dir, RUN_LOCK_FILE);
    const holder: LockHolder = {
      pid: process.pid,
      hostname: hostname(),
      startedAt: new Date().toISOString(),
      token: randomBytes(8).toString('hex'),
    };
    let previous: LockHolder | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      if (createLockFile(file, holder)) {
        const lock = new RunLock(file, holder, previous);
        if (held.size === 0) process.once('exit', releaseAll);
        held.add(lock);
        return lock;
      }
      const current = readLockHolder(file);
      if (current === 'missing') continue;
      if (current !== 'unreadable' && isHolderAlive(current)) throw lockedError(dir, file, current);
      // Dead or not a lock: move it aside (of processes doing this at once, one rename wins) and
      // check what was moved; a lock another process took meanwhile goes back.
      const aside = temporaryPath(file);
      try {
        renameSync(file, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = readLockHolder(aside);
      if (typeof moved === 'object' && isHolderAlive(moved)) {
        try {
          linkSync(aside, file);
        } catch {
          // A third process holds it now; ours to try again.
        }
      } else if (typeof moved === 'object') previous = moved;
      rmSync(aside, { force: true });
    }
    throw new RunStoreError({ file, message: 'could not take the lock: it keeps changing hands' });
  }

  /** Remove the lock file if it is still this lock's. Safe to call more than once. */
  release(): void {
    held.delete(this);
    if (held.size === 0) process.off('exit', releaseAll);
    if (this.released) return;
    this.released = true;
    try {
      const current = readLockHolder(this.file);
      if (typeof current === 'object' && current.token === this.holder.token)
        rmSync(this.file, { force: true });
    } catch {
      // Left behind, the lock names a dead process: the next open takes it over.
    }
  }
}

function releaseAll(): void {
  for (const lock of [...held]) lock.release();
}
