import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../config/engine-config.js';
import { RunLockedError } from '../errors/run-locked-error.js';
import { RunWriteError } from '../errors/run-write-error.js';
import type { SampleRecord } from '../spec/sample.js';
import { parseTask } from '../tasks/load-task.js';
import { temporaryPath } from './atomic-write.js';
import { RUN_LOCK_FILE } from './run-lock.js';
import { RunStore } from './run-store.js';

const folder = () => mkdtempSync(join(tmpdir(), 'treesynth-store-'));

const manifest = {
  fingerprint: 'test',
  task: parseTask({ name: 'toy', description: 'Toy.', fields: [{ name: 'question', description: 'q' }] }),
  config: parseEngineConfig({}),
  model: { provider: 'scripted', modelId: 'm' },
};

function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
  );
}

function sample(id: string): SampleRecord {
  return {
    id,
    leaf_id: 'root',
    path: [],
    drawn: {},
    call: { index: 0, model: 'm' },
    fields: { question: id },
  };
}

describe('RunStore.create', () => {
  it("refuses a folder holding a user's files, naming them, and leaves every file as it was", async () => {
    const dir = folder();
    writeFileSync(join(dir, 'notes.tmp'), 'my notes');
    await expect(RunStore.create(dir, manifest)).rejects.toThrow(
      /is not empty \(notes\.tmp\) and holds no run/,
    );
    expect(readdirSync(dir)).toEqual(['notes.tmp']);
    expect(readFileSync(join(dir, 'notes.tmp'), 'utf8')).toBe('my notes');
  });

  it('starts where a run was killed while being created (our temp files, a dead lock) and clears them', async () => {
    const dir = folder();
    const torn = basename(temporaryPath(join(dir, 'run.json')));
    writeFileSync(join(dir, torn), '{"schema');
    writeFileSync(
      join(dir, RUN_LOCK_FILE),
      JSON.stringify({ pid: deadPid(), hostname: hostname(), startedAt: 'then', token: 't' }),
    );
    const store = await RunStore.create(dir, manifest);
    expect(existsSync(join(dir, torn))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['.treesynth.lock', 'events.jsonl', 'run.json', 'samples.jsonl']);
    await store.close();
    expect(existsSync(join(dir, RUN_LOCK_FILE))).toBe(false);
  });

  it('refuses a folder holding a run: by name of the holder while it is open, with --resume advice after', async () => {
    const dir = join(folder(), 'run');
    const store = await RunStore.create(dir, manifest);
    const refused = await RunStore.create(dir, manifest).catch((error: unknown) => error);
    expect(RunLockedError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toMatch(new RegExp(`in use by pid ${process.pid}`));
    await expect(RunStore.open(dir)).rejects.toThrow(/in use by pid/);
    await store.close();
    await expect(RunStore.create(dir, manifest)).rejects.toThrow(
      /holds a run already; pass resume to continue it, or choose another out$/,
    );
    const flags = { optionName: (option: string) => `--${option}` };
    await expect(RunStore.create(dir, manifest, flags)).rejects.toThrow(
      /holds a run already; pass --resume to continue it, or choose another --out$/,
    );
    const reopened = await RunStore.open(dir);
    expect(reopened.lastStop).toMatch(/the last run stopped without finishing/);
    await reopened.close();
  });

  it('refuses a file given as the folder', async () => {
    const file = join(folder(), 'out');
    writeFileSync(file, 'x');
    await expect(RunStore.create(file, manifest)).rejects.toThrow(/is a file/);
  });
});

describe('RunStore.open', () => {
  it('drops duplicated sample rows, keeping the first, and rewrites samples.jsonl atomically', async () => {
    const dir = join(folder(), 'run');
    const store = await RunStore.create(dir, manifest);
    await store.appendSamples([sample('a'), sample('b'), sample('a'), sample('c'), sample('b')]);
    await store.close();
    const reopened = await RunStore.open(dir);
    const { ids, duplicatesDropped } = await reopened.readSampleIds();
    expect([...ids]).toEqual(['a', 'b', 'c']);
    expect(duplicatesDropped).toBe(2);
    const lines = readFileSync(reopened.file('samples'), 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual(['a', 'b', 'c']);
    expect(await reopened.readSampleIds()).toEqual({ ids, duplicatesDropped: 0 });
    await reopened.close();
  });

  it('says how the last run stopped: killed (its lock left behind) or failed with the error it recorded', async () => {
    const dir = join(folder(), 'run');
    await (await RunStore.create(dir, manifest)).close();
    const pid = deadPid();
    writeFileSync(
      join(dir, RUN_LOCK_FILE),
      JSON.stringify({ pid, hostname: hostname(), startedAt: 'then', token: 't' }),
    );
    const killed = await RunStore.open(dir);
    expect(killed.lastStop).toMatch(
      new RegExp(`the last run \\(pid ${pid}, started then\\) stopped without finishing`),
    );
    expect(killed.recordFailure('write error on x: no space left on device (ENOSPC)')).toBe(true);
    await killed.close();
    const failed = await RunStore.open(dir);
    expect(failed.lastStop).toBe('the last run failed: write error on x: no space left on device (ENOSPC)');
    await failed.close();
  });

  it('turns a failed write into a RunWriteError naming the file, and keeps failing after it', async () => {
    const dir = join(folder(), 'run');
    const reopened = await RunStore.create(dir, manifest);
    const samples = reopened.file('samples');
    // A folder where the log should be: the append cannot open it.
    rmSync(samples);
    mkdirSync(samples);
    const error = await reopened.appendSamples([sample('a')]).catch((caught: unknown) => caught);
    expect(RunWriteError.isInstance(error)).toBe(true);
    expect((error as RunWriteError).file).toBe(samples);
    expect((error as Error).message).toMatch(/^write error on .*samples\.jsonl: /);
    await expect(reopened.appendSamples([sample('b')])).rejects.toThrow(/write error on/);
    await reopened.close();
  });
});
