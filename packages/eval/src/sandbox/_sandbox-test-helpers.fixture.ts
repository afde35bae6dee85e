import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { PythonSandbox } from './python-sandbox.js';

/** Pids of live (not zombie) processes whose command line mentions `marker`. */
export function processesMentioning(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!commandLine.includes(marker)) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z') found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

export function processAlive(pid: number): boolean {
  if (!existsSync(`/proc/${pid}/stat`)) return false;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/**
 * After a hostile program: no process that mentions the sandbox's temp root survives (polling a
 * little, since the kernel reaps asynchronously), its run directories are gone, and the next
 * program runs normally.
 */
export async function expectContained(sandbox: PythonSandbox, tempRoot: string): Promise<void> {
  let survivors = processesMentioning(tempRoot);
  for (let attempt = 0; attempt < 30 && survivors.length > 0; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    survivors = processesMentioning(tempRoot);
  }
  expect(survivors).toEqual([]);
  expect(readdirSync(tempRoot)).toEqual([]);
  const next = await sandbox.run('print(40 + 2)');
  expect(next.status).toBe('ok');
  expect(next.stdout).toBe('42\n');
}
