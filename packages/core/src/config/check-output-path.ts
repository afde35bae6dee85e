import { accessSync, constants, mkdirSync, rmdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConfigError } from '../errors/config-error.js';

export interface OutputPathOptions {
  /** How the user gave the path, for the message: `--out`, `--cache-dir`. */
  flag: string;
  /** What will be written there. */
  kind: 'file' | 'folder';
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function code(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

/**
 * Check, before any work, that a file or folder can be written at `path`: it is not empty, what
 * exists there is of the right kind, no file sits where a parent folder must be, and the nearest
 * existing folder takes a new entry (tried by creating and removing a probe folder, which also
 * catches read-only mounts and /proc, where a recursive mkdir never returns). A ConfigError names the
 * flag and the path. Creates nothing that outlives the call.
 */
export function checkOutputPath(path: string, options: OutputPathOptions): void {
  const { flag, kind } = options;
  const fail = (message: string): never => {
    throw new ConfigError({ path: flag, message });
  };
  if (path.trim().length === 0) fail(`is empty; name a ${kind}`);
  const target = resolve(path);
  const found = statOrUndefined(target);
  if (found) {
    if (kind === 'folder' && !found.isDirectory()) fail(`${path} is a file; expected a folder`);
    if (kind === 'file' && found.isDirectory()) fail(`${path} is a folder; expected a file name`);
    if (kind === 'file') {
      try {
        accessSync(target, constants.W_OK);
      } catch (error) {
        fail(`cannot write ${path} (${code(error)})`);
      }
    }
  }
  // The nearest folder that exists: the target itself (a folder), else its closest ancestor.
  let folder = found?.isDirectory() ? target : dirname(target);
  for (;;) {
    const stats = statOrUndefined(folder);
    if (stats) {
      if (!stats.isDirectory()) fail(`${folder} is a file, so ${path} cannot be created under it`);
      break;
    }
    const parent = dirname(folder);
    if (parent === folder) fail(`cannot create ${path}: no folder on its path exists`);
    folder = parent;
  }
  const probe = resolve(folder, `.treesynth-probe-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(probe);
  } catch (error) {
    fail(`cannot write in ${folder} (${code(error)})`);
  }
  rmdirSync(probe);
}
