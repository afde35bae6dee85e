import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineConfig } from '../config/engine-config.js';
import { RunStoreError } from '../errors/run-store-error.js';
import type { SampleRecord } from '../spec/sample.js';
import type { TaskDefinition } from '../tasks/task-definition.js';
import type { PartitionTree } from '../tree/partition-tree.js';
import { redactSecrets } from '../util/redact.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic-write.js';
import { JsonlAppender, readJsonl, repairTornTail } from './jsonl.js';
import type { RunEvent } from './run-events.js';

export const RUN_SCHEMA_VERSION = 1;

export const RUN_FILES = {
  manifest: 'run.json',
  tree: 'tree.json',
  samples: 'samples.jsonl',
  events: 'events.jsonl',
  usage: 'usage.json',
  cache: 'cache',
} as const;

/** `incomplete`: finished, but leaf calls failed after their retries; a resume tries them again. */
export type RunStatus =
  | 'running'
  | 'tree-built'
  | 'awaiting-batch'
  | 'complete'
  | 'incomplete'
  | 'failed'
  | 'interrupted';

/** `run.json`: what the run is, how it was configured (secrets redacted) and where it stands. */
export interface RunManifest {
  schemaVersion: number;
  tool: 'treesynth-ts';
  status: RunStatus;
  createdAt: string;
  updatedAt: string;
  /** Hash of everything that changes the dataset; a resume must match it. */
  fingerprint: string;
  task: TaskDefinition;
  config: EngineConfig;
  model: { provider: string; modelId: string; baseURL?: string };
  /** True when the LLM was the simulator. */
  simulated?: boolean;
  error?: string;
  /** Free-form details from the caller (CLI arguments), redacted before writing. */
  extra?: Record<string, unknown>;
}

/** A sample as one line of `samples.jsonl`: id, the task's fields, then provenance. */
export function sampleToLine(record: SampleRecord): Record<string, unknown> {
  return {
    id: record.id,
    ...record.fields,
    leaf_id: record.leaf_id,
    path: record.path,
    drawn: record.drawn,
    call: record.call,
  };
}

/**
 * The run directory (DESIGN.md section 3). Appends for samples and events; atomic writes for
 * snapshots. Creating refuses a folder that already holds a run, so a rerun never silently forks.
 */
export class RunStore {
  private readonly samples: JsonlAppender;
  private readonly events: JsonlAppender;

  private constructor(
    readonly dir: string,
    private manifestValue: RunManifest,
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

  /** Start a new run in `dir`, which must not exist or be empty. */
  static async create(
    dir: string,
    manifest: Omit<RunManifest, 'schemaVersion' | 'tool' | 'status' | 'createdAt' | 'updatedAt'>,
  ): Promise<RunStore> {
    // Temp files of an atomic write cut short (a kill while the run was being created) do not count.
    const entries = existsSync(dir) ? readdirSync(dir) : [];
    if (entries.some((name) => !name.endsWith('.tmp'))) {
      const what = RunStore.exists(dir) ? 'holds a run already' : 'is not empty';
      throw new RunStoreError({
        file: dir,
        message: `${what}; pass --resume to continue it, or choose another --out`,
      });
    }
    for (const name of entries) rmSync(join(dir, name), { force: true });
    mkdirSync(dir, { recursive: true });
    const now = new Date().toISOString();
    const store = new RunStore(dir, {
      schemaVersion: RUN_SCHEMA_VERSION,
      tool: 'treesynth-ts',
      status: 'running',
      createdAt: now,
      updatedAt: now,
      ...manifest,
    });
    await store.writeManifest();
    // The logs exist from the start, so readers find an empty dataset rather than no file.
    writeFileSync(store.file('samples'), '', { flag: 'a' });
    writeFileSync(store.file('events'), '', { flag: 'a' });
    return store;
  }

  /** Open an existing run for resuming: repairs torn last lines of the logs. */
  static async open(dir: string): Promise<RunStore> {
    const file = join(dir, RUN_FILES.manifest);
    if (!existsSync(file))
      throw new RunStoreError({
        file: dir,
        message: 'no run here (run.json is missing); drop --resume to start one',
      });
    let manifest: RunManifest;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8')) as RunManifest;
    } catch (error) {
      throw new RunStoreError({ file, message: `unreadable (${(error as Error).message})` });
    }
    if (manifest.schemaVersion !== RUN_SCHEMA_VERSION) {
      throw new RunStoreError({
        file,
        message: `run format ${manifest.schemaVersion} is not supported (expected ${RUN_SCHEMA_VERSION})`,
      });
    }
    await repairTornTail(join(dir, RUN_FILES.events));
    await repairTornTail(join(dir, RUN_FILES.samples));
    return new RunStore(dir, manifest);
  }

  readEvents(): AsyncGenerator<RunEvent> {
    return readJsonl<RunEvent>(this.file('events'));
  }

  async readSampleIds(): Promise<Set<string>> {
    const ids = new Set<string>();
    for await (const line of readJsonl<{ id: string }>(this.file('samples'))) ids.add(line.id);
    return ids;
  }

  appendEvents(events: readonly RunEvent[]): Promise<void> {
    return this.events.append(events);
  }

  appendSamples(records: readonly SampleRecord[]): Promise<void> {
    return this.samples.append(records.map(sampleToLine));
  }

  writeTree(tree: PartitionTree): Promise<void> {
    return writeFileAtomic(this.file('tree'), `${JSON.stringify(tree.toJSON(), null, 1)}\n`);
  }

  writeUsage(usage: unknown): Promise<void> {
    return writeFileAtomic(this.file('usage'), `${JSON.stringify(usage, null, 2)}\n`);
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
    writeFileAtomicSync(
      this.file('manifest'),
      `${JSON.stringify(redactSecrets(this.manifestValue), null, 2)}\n`,
    );
  }

  private writeManifest(): Promise<void> {
    return writeFileAtomic(
      this.file('manifest'),
      `${JSON.stringify(redactSecrets(this.manifestValue), null, 2)}\n`,
    );
  }

  async close(): Promise<void> {
    await Promise.all([this.samples.close(), this.events.close()]);
  }
}
