import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOutputPath } from '../config/check-output-path.js';
import { formatZodError } from '../config/format-zod-error.js';
import { type OptionNamer, optionName } from '../config/option-name.js';
import { readJsonFile } from '../config/read-json-file.js';
import { type UsageFile, usageFileSchema } from '../engine/usage-tracker.js';
import { RunStoreError } from '../errors/run-store-error.js';
import { RunWriteError } from '../errors/run-write-error.js';
import type { SampleRecord } from '../spec/sample.js';
import { PartitionTree } from '../tree/partition-tree.js';
import { redactSecrets } from '../util/redact.js';
import {
  isOwnTemporaryFile,
  removeOwnTemporaryFiles,
  writeFileAtomic,
  writeFileAtomicIfChanged,
  writeFileAtomicSync,
  writeLinesAtomic,
} from './atomic-write.js';
import { JsonlAppender, readJsonl, repairTornTail } from './jsonl.js';
import { isPlainRunEvent } from './run-event-check.js';
import { type RunEvent, runEventSchema } from './run-events.js';
import { checkNotLocked, type LockHolder, RUN_LOCK_FILE, RunLock } from './run-lock.js';
import { RUN_SCHEMA_VERSION, type RunManifest, readRunManifest } from './run-manifest.js';

export const RUN_FILES = {
  manifest: 'run.json',
  tree: 'tree.json',
  samples: 'samples.jsonl',
  events: 'events.jsonl',
  usage: 'usage.json',
  cache: 'cache',
} as const;

export { RUN_SCHEMA_VERSION, type RunManifest, type RunStatus } from './run-manifest.js';

/** A sample as one line of `samples.jsonl`: id, the task's fields, then provenance. */
export function sampleToLine(record: SampleRecord): Record<string, unknown> {
  return {
    id: record.id,
    ...record.fields,
    leaf_id: record.leaf_id,
    path: record.path,
    drawn: record.drawn,
    call: record.call,
    ...(record.method ? { method: record.method } : {}),
  };
}

/**
 * The run directory (docs/architecture.md, "The run folder"). Appends for samples and events; atomic writes for
 * snapshots. Creating refuses a folder that already holds a run, or anything else, so a rerun never
 * silently forks and a user's files are never touched. Creating or opening takes the folder's lock
 * (`.treesynth.lock`); `close()` releases it.
 */
export class RunStore {
  private readonly samples: JsonlAppender;
  private readonly events: JsonlAppender;
  /** The last snapshot write of each file, so writes land in the order they were asked for. */
  private readonly snapshots = new Map<string, Promise<unknown>>();
  /** The tree and its version that tree.json holds, once this store wrote it or found it equal. */
  private treeOnDisk?: { tree: PartitionTree; version: number };
  /** The text usage.json holds, once this store wrote it or found it equal. */
  private usageOnDisk?: string;

  private constructor(
    readonly dir: string,
    private manifestValue: RunManifest,
    private readonly lock: RunLock,
    /** How the previous process in this folder stopped, when it did not finish cleanly. */
    readonly lastStop?: string,
  ) {
    this.samples = new JsonlAppender(join(dir, RUN_FILES.samples));
    this.events = new JsonlAppender(join(dir, RUN_FILES.events));
  }

  get manifest(): RunManifest {
    return this.manifestValue;
  }

  file(name: keyof typeof RUN_FILES): string {
    return join(this.dir, RUN_FILES[name]);
  }

  static exists(dir: string): boolean {
    return existsSync(join(dir, RUN_FILES.manifest));
  }

  /**
   * Whether a new run may start in `dir`: it is missing or empty, or holds only what a run killed
   * while being created leaves (our temp files, a lock).
   */
  static isVacant(dir: string): boolean {
    return foreignEntries(dir).length === 0;
  }

  /** Start a new run in `dir`, which must be missing or vacant (`isVacant`). */
  static async create(
    dir: string,
    manifest: Omit<RunManifest, 'schemaVersion' | 'tool' | 'status' | 'createdAt' | 'updatedAt'>,
    options: {
      /** How refusals name the options (`out`, `resume`); the CLI gives its flags. */ optionName?: OptionNamer;
    } = {},
  ): Promise<RunStore> {
    const name = options.optionName ?? optionName;
    checkVacant(dir, { name });
    // A recursive mkdir never returns on some paths (/proc); the check refuses them first.
    checkOutputPath(dir, { flag: 'dir', kind: 'folder' });
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new RunStoreError({
        file: dir,
        message: `cannot create the folder (${(error as Error).message})`,
      });
    }
    const lock = RunLock.acquire(dir);
    try {
      // Again under the lock: another process may have started a run here meanwhile.
      checkVacant(dir, { locked: true, name });
      removeOwnTemporaryFiles(dir);
      const now = new Date().toISOString();
      const store = new RunStore(
        dir,
        {
          schemaVersion: RUN_SCHEMA_VERSION,
          tool: 'treesynth-ts',
          status: 'running',
          createdAt: now,
          updatedAt: now,
          ...manifest,
        },
        lock,
      );
      await store.writeManifest();
      // The logs exist from the start, so readers find an empty dataset rather than no file.
      writeFileSync(store.file('samples'), '', { flag: 'a' });
      writeFileSync(store.file('events'), '', { flag: 'a' });
      return store;
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Open an existing run for resuming: takes the lock, repairs torn last lines of the logs. */
  static async open(dir: string): Promise<RunStore> {
    const file = join(dir, RUN_FILES.manifest);
    if (!existsSync(file))
      throw new RunStoreError({ file: dir, message: 'no run here (run.json is missing)' });
    const lock = RunLock.acquire(dir);
    try {
      const manifest = readRunManifest(file);
      removeOwnTemporaryFiles(dir);
      await repairTornTail(join(dir, RUN_FILES.events));
      await repairTornTail(join(dir, RUN_FILES.samples));
      return new RunStore(dir, manifest, lock, describeLastStop(manifest, lock.previous));
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** The event log, each line checked; a line that is not an event is an error naming its line. */
  readEvents(): AsyncGenerator<RunEvent> {
    return readJsonl(this.file('events'), runEventSchema, { quickCheck: isPlainRunEvent });
  }

  /** The run's `tree.json`, checked (`PartitionTree.parse`); undefined before stage one wrote it. */
  readTree(): PartitionTree | undefined {
    return readTreeFile(this.file('tree'));
  }

  /**
   * The ids in samples.jsonl. A row whose id an earlier row has (a duplicated line) is dropped and
   * the file rewritten atomically without it. Call before appending samples.
   */
  async readSampleIds(): Promise<{ ids: Set<string>; duplicatesDropped: number }> {
    const file = this.file('samples');
    const ids = new Set<string>();
    let duplicatesDropped = 0;
    for await (const line of readJsonl<{ id: string }>(file)) {
      if (ids.has(line.id)) duplicatesDropped++;
      else ids.add(line.id);
    }
    if (duplicatesDropped > 0) await this.written(file, writeLinesAtomic(file, uniqueLines(file)));
    return { ids, duplicatesDropped };
  }

  appendEvents(events: readonly RunEvent[]): Promise<void> {
    return this.written(
      this.file('events'),
      this.events.append(events).then(() => undefined),
    );
  }

  appendSamples(records: readonly SampleRecord[]): Promise<void> {
    return this.appendSamplesAt(records).then(() => undefined);
  }

  /** `appendSamples`, resolving to samples.jsonl's length in bytes once the rows are written. */
  appendSamplesAt(records: readonly SampleRecord[]): Promise<number> {
    return this.written(this.file('samples'), this.samples.append(records.map(sampleToLine)));
  }

  /**
   * Write `tree.json`, only when its content changes: a tree not changed since this store wrote it
   * is not even serialized again, and a file that already holds the tree (a resume of a finished run)
   * is left untouched.
   */
  writeTree(tree: PartitionTree): Promise<void> {
    const { version } = tree;
    if (this.treeOnDisk?.tree === tree && this.treeOnDisk.version === version) return Promise.resolve();
    const text = `${JSON.stringify(tree.toJSON(), null, 1)}\n`;
    return this.writeSnapshot('tree', text, () => {
      this.treeOnDisk = { tree, version };
    });
  }

  /** Write `usage.json`, checked against its schema first; only when its content changes. */
  writeUsage(usage: UsageFile): Promise<void> {
    const checked = usageFileSchema.parse(usage);
    const text = `${JSON.stringify(checked, null, 2)}\n`;
    if (text === this.usageOnDisk) return Promise.resolve();
    return this.writeSnapshot('usage', text, () => {
      this.usageOnDisk = text;
    });
  }

  /**
   * Write a snapshot file atomically unless it already holds `text`, after any earlier write of the
   * same file (a late earlier write never replaces a later one); `done` runs once the file holds it.
   */
  private writeSnapshot(name: 'tree' | 'usage', text: string, done: () => void): Promise<void> {
    const file = this.file(name);
    const write = (this.snapshots.get(file) ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => writeFileAtomicIfChanged(file, text))
      .then(done);
    this.snapshots.set(file, write);
    return this.written(file, write);
  }

  /** The run's `usage.json`, checked; undefined before the run wrote it. */
  readUsage(): UsageFile | undefined {
    const file = this.file('usage');
    if (!existsSync(file)) return undefined;
    const parsed = usageFileSchema.safeParse(readJsonFile(file, RUN_FILES.usage));
    if (parsed.success) return parsed.data;
    const { path, message } = formatZodError(parsed.error);
    throw new RunStoreError({
      file,
      message: `not a valid usage.json: ${path ? `${path}: ` : ''}${message}`,
    });
  }

  async update(
    patch: Partial<Pick<RunManifest, 'status' | 'error' | 'extra' | 'simulated' | 'config' | 'fingerprint'>>,
  ): Promise<void> {
    this.manifestValue = { ...this.manifestValue, ...patch, updatedAt: new Date().toISOString() };
    await this.writeManifest();
  }

  /** Synchronous status update, for exit handlers where nothing asynchronous runs any more. */
  updateSync(patch: Partial<Pick<RunManifest, 'status' | 'error'>>): void {
    this.manifestValue = { ...this.manifestValue, ...patch, updatedAt: new Date().toISOString() };
    writeFileAtomicSync(this.file('manifest'), this.manifestText());
  }

  /**
   * Mark the run failed in run.json, even on a full disk: when that write fails, the run is over, so
   * the lock is released (its file's space freed) and the write tried once more. If that fails too,
   * run.json keeps `running`, and the next open says the last run stopped without finishing.
   * Returns whether run.json says `failed` now.
   */
  recordFailure(error: string): boolean {
    const patch = { status: 'failed' as const, error };
    try {
      this.updateSync(patch);
      return true;
    } catch {
      this.lock.release();
    }
    try {
      this.updateSync(patch);
      return true;
    } catch {
      return false;
    }
  }

  private writeManifest(): Promise<void> {
    const file = this.file('manifest');
    return this.written(file, writeFileAtomic(file, this.manifestText()));
  }

  private manifestText(): string {
    return `${JSON.stringify(redactSecrets(this.manifestValue), null, 2)}\n`;
  }

  /** A failed write of a run file becomes a `RunWriteError` naming the file. */
  private written<T>(file: string, write: Promise<T>): Promise<T> {
    return write.catch((error: unknown) => {
      throw new RunWriteError({ file, cause: error });
    });
  }

  /** Finish pending appends and close the logs; the lock stays held. */
  async flush(): Promise<void> {
    await Promise.all([this.samples.close(), this.events.close()]);
  }

  /** Flush and release the lock. Safe to call more than once. */
  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.lock.release();
    }
  }
}

/** What is in `dir` besides our temp files and lock. */
function foreignEntries(dir: string, name: OptionNamer = optionName): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory())
    throw new RunStoreError({ file: dir, message: `is a file; choose a folder for ${name('out')}` });
  return readdirSync(dir).filter((name) => !isOwnTemporaryFile(name) && name !== RUN_LOCK_FILE);
}

function checkVacant(dir: string, options: { locked?: boolean; name: OptionNamer }): void {
  const { name } = options;
  const foreign = foreignEntries(dir, name);
  if (foreign.length === 0) return;
  if (RunStore.exists(dir)) {
    if (!options.locked) checkNotLocked(dir);
    throw new RunStoreError({
      file: dir,
      message: `holds a run already; pass ${name('resume')} to continue it, or choose another ${name('out')}`,
    });
  }
  const shown = foreign.slice(0, 3).join(', ') + (foreign.length > 3 ? `, +${foreign.length - 3} more` : '');
  throw new RunStoreError({
    file: dir,
    message: `is not empty (${shown}) and holds no run; choose a new or empty folder for ${name('out')}`,
  });
}

function describeLastStop(manifest: RunManifest, previous: LockHolder | undefined): string | undefined {
  if (manifest.status === 'failed') return `the last run failed: ${manifest.error ?? 'no error recorded'}`;
  if (manifest.status !== 'running') return undefined;
  return previous
    ? `the last run (pid ${previous.pid}, started ${previous.startedAt}) stopped without finishing: killed, or out of disk space`
    : 'the last run stopped without finishing';
}

async function* uniqueLines(file: string): AsyncGenerator<string> {
  const seen = new Set<string>();
  for await (const line of readJsonl<{ id: string }>(file)) {
    if (seen.has(line.id)) continue;
    seen.add(line.id);
    yield JSON.stringify(line);
  }
}

/** A `tree.json` file, checked; undefined when there is none. */
export function readTreeFile(file: string): PartitionTree | undefined {
  if (!existsSync(file)) return undefined;
  return PartitionTree.parse(readJsonFile(file, RUN_FILES.tree), file);
}
