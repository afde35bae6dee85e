import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  collect,
  countLines,
  readSamples,
  runCli,
  SMALL_RUN,
  spawnCli,
  waitFor,
} from './cli-harness.js';

/**
 * The run folder is the user's data: a run never deletes what it did not write, never shares its
 * folder with another process, and resume brings samples.jsonl back in step with the event log.
 */

type Sample = ReturnType<typeof readSamples>[number];

/** A loopback proxy to the simulator that holds every chat call until `open()`: a run kept mid-way. */
async function startGate(target: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.url?.endsWith('/chat/completions')) await opened;
    const upstream = await fetch(new URL(request.url ?? '/', target), {
      method: request.method,
      headers: { 'content-type': request.headers['content-type'] ?? 'application/json' },
      body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    });
    response.writeHead(upstream.status, {
      'content-type': upstream.headers.get('content-type') ?? 'application/json',
    });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    open,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function byId(samples: Sample[]): Sample[] {
  return [...samples].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function readJson(file: string) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The pid of a process that has exited. */
function deadPid(): number {
  return Number(
    spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString(),
  );
}

/** Bytes a folder takes on a page-based file system (each file rounded up to 4 KiB). */
function footprint(dir: string): number {
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    bytes += entry.isDirectory() ? footprint(path) : Math.ceil(statSync(path).size / 4096) * 4096;
  }
  return bytes;
}

function oneLine(result: CliResult): string {
  expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).not.toMatch(/\n\s+at /);
  return result.stderr.trim();
}

describe('run folder safety', () => {
  const work = mkdtempSync(join(tmpdir(), 'treesynth-safety-'));
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  const args = (out: string, url = simulator.url) => [...SMALL_RUN, '--out', out, '--base-url', url];
  const referenceDir = join(work, 'reference');
  let reference: Sample[];

  /** The folder holds exactly the reference dataset: same ids, same rows, no duplicate. */
  function expectReferenceDataset(dir: string) {
    const samples = readSamples(dir);
    expect(new Set(samples.map((sample) => sample.id)).size).toBe(samples.length);
    expect(byId(samples)).toEqual(reference);
    expect(readJson(join(dir, 'run.json')).status).toBe('complete');
    expect(existsSync(join(dir, '.treesynth.lock'))).toBe(false);
  }

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 5 });
    const result = await runCli(args(referenceDir));
    expect(result.code, result.stderr).toBe(0);
    reference = byId(readSamples(referenceDir));
  }, 120_000);

  afterAll(async () => {
    await simulator?.close();
  });

  it("refuses a folder holding a user's file, with one line, and leaves every file there", async () => {
    const dir = join(work, 'users-folder');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.tmp'), 'my notes\n');
    writeFileSync(join(dir, 'data.csv'), 'a,b\n');
    const before = simulator.stats().total;
    for (const extra of [[], ['--resume']]) {
      const result = await runCli([...args(dir), ...extra]);
      expect(result.code, result.stderr).toBe(2);
      expect(oneLine(result)).toMatch(
        /^treesynth: .*users-folder: is not empty \(.*notes\.tmp.*\) and holds no run/,
      );
    }
    expect(readdirSync(dir).sort()).toEqual(['data.csv', 'notes.tmp']);
    expect(readFileSync(join(dir, 'notes.tmp'), 'utf8')).toBe('my notes\n');
    expect(simulator.stats().total - before).toBe(0);
  }, 60_000);

  describe('resume reconciles samples.jsonl with the event log, from the response cache', () => {
    const damages: Array<{
      name: string;
      damage: (file: string) => void;
      restored: (file: string) => number;
      duplicates: number;
    }> = [
      {
        name: 'its last line torn after the call was logged',
        damage: (file) => truncateSync(file, statSync(file).size - 40),
        restored: () => 1,
        duplicates: 0,
      },
      {
        name: 'cut to half its lines',
        damage: (file) => {
          const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
          writeFileSync(file, `${lines.slice(0, Math.floor(lines.length / 2)).join('\n')}\n`);
        },
        restored: () => reference.length - Math.floor(reference.length / 2),
        duplicates: 0,
      },
      { name: 'deleted', damage: (file) => rmSync(file), restored: () => reference.length, duplicates: 0 },
      {
        name: 'a line duplicated',
        damage: (file) => {
          const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
          lines.splice(7, 0, lines[3]!);
          writeFileSync(file, `${lines.join('\n')}\n`);
        },
        restored: () => 0,
        duplicates: 1,
      },
    ];

    for (const { name, damage, restored, duplicates } of damages) {
      it(`samples.jsonl ${name}: --resume ends with the undamaged rows and pays for nothing`, async () => {
        const dir = join(work, `damaged-${name.replaceAll(' ', '-')}`);
        cpSync(referenceDir, dir, { recursive: true });
        const file = join(dir, 'samples.jsonl');
        const expected = restored(file);
        damage(file);
        const paidBefore = readJson(join(dir, 'usage.json')).total.calls;
        const before = simulator.stats().total;
        const result = await runCli([
          'run',
          '--resume',
          '--out',
          dir,
          '--quiet',
          '--base-url',
          simulator.url,
        ]);
        expect(result.code, result.stderr).toBe(0);
        expectReferenceDataset(dir);
        expect(simulator.stats().total - before).toBe(0);
        expect(readJson(join(dir, 'usage.json')).total.calls).toBe(paidBefore);
        const repaired = /repaired samples\.jsonl: (.*)/.exec(result.stderr)?.[1];
        expect(repaired, result.stderr).toBeDefined();
        if (expected > 0)
          expect(repaired).toMatch(new RegExp(`^${expected} rows? restored from the response cache`));
        else expect(repaired).not.toContain('restored');
        if (duplicates > 0) expect(repaired).toContain(`${duplicates} duplicate dropped`);
        else expect(repaired).not.toContain('duplicate');
        expect(repaired).not.toMatch(/endpoint|missing/);
      }, 60_000);
    }
  });

  it('rows the response cache lacks are restored by calling the endpoint again', async () => {
    const dir = join(work, 'damaged-no-cache');
    cpSync(referenceDir, dir, { recursive: true });
    rmSync(join(dir, 'samples.jsonl'));
    rmSync(join(dir, 'cache'), { recursive: true });
    const before = simulator.stats();
    const result = await runCli(['run', '--resume', '--out', dir, '--quiet', '--base-url', simulator.url]);
    expect(result.code, result.stderr).toBe(0);
    expectReferenceDataset(dir);
    // Only leaf calls are made again: the tree comes back from the event log.
    const after = simulator.stats();
    expect(after.byStage.leaf - before.byStage.leaf).toBeGreaterThan(0);
    expect(after.total - before.total).toBe(after.byStage.leaf - before.byStage.leaf);
    expect(result.stderr).toContain(
      `repaired samples.jsonl: ${reference.length} rows restored by calling the endpoint again (not in the cache)`,
    );
  }, 60_000);

  describe('one process per run folder', () => {
    it('two runs started at once on one folder: one refuses naming the other, nothing is duplicated', async () => {
      const gate = await startGate(simulator.url);
      try {
        const dir = join(work, 'concurrent');
        const children = [spawnCli(args(dir, gate.url)), spawnCli(args(dir, gate.url))];
        const results = children.map((child) => collect(child));
        const first = await Promise.race(results.map((result, index) => result.then(() => index)));
        gate.open();
        const loser = await results[first]!;
        const winner = await results[1 - first]!;
        expect(loser.code, loser.stderr).toBe(2);
        expect(oneLine(loser)).toMatch(
          new RegExp(`^treesynth: .*concurrent: in use by pid ${children[1 - first]!.pid} on `),
        );
        expect(winner.code, winner.stderr).toBe(0);
        expectReferenceDataset(dir);
      } finally {
        await gate.close();
      }
    }, 120_000);

    /** A run held at its first model call: it has its folder and lock, and waits for `gate.open()`. */
    async function startHeldRun(dir: string) {
      const gate = await startGate(simulator.url);
      const child = spawnCli(args(dir, gate.url));
      const done = collect(child);
      await waitFor(() => existsSync(join(dir, 'run.json')) && existsSync(join(dir, '.treesynth.lock')));
      return { gate, child, done };
    }

    it('a --resume, a second run or a batch ingest started while the run works refuses; the run finishes alone', async () => {
      const dir = join(work, 'busy');
      const { gate, child, done } = await startHeldRun(dir);
      try {
        for (const second of [
          ['run', '--resume', '--out', dir, '--quiet', '--base-url', simulator.url],
          args(dir),
          ['batch', 'ingest', dir, join(work, 'results.jsonl'), '--quiet'],
        ]) {
          const refused = await runCli(second);
          expect(refused.code, refused.stderr).toBe(2);
          expect(oneLine(refused)).toMatch(new RegExp(`busy: in use by pid ${child.pid} on ${hostname()}`));
        }
        gate.open();
        const finished = await done;
        expect(finished.code, finished.stderr).toBe(0);
        expectReferenceDataset(dir);
      } finally {
        await gate.close();
      }
    }, 120_000);

    it('the lock of a killed run is taken over by --resume, which says how the last run stopped', async () => {
      const dir = join(work, 'killed');
      const { gate, child, done } = await startHeldRun(dir);
      child.kill('SIGKILL');
      await done;
      await gate.close();
      expect(readJson(join(dir, '.treesynth.lock')).pid).toBe(child.pid);
      const resumed = await runCli(['run', '--resume', '--out', dir, '--quiet', '--base-url', simulator.url]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain(`the last run (pid ${child.pid}, started `);
      expectReferenceDataset(dir);
    }, 120_000);

    it('a balance refuses a folder another live process holds, and releases its own lock when done', async () => {
      const out = join(work, 'balance');
      mkdirSync(out);
      // This test's own process: alive, on this host.
      writeFileSync(
        join(out, '.treesynth.lock'),
        JSON.stringify({ pid: process.pid, hostname: hostname(), startedAt: 'now', token: 'test' }),
      );
      const balance = [
        'balance',
        '--data',
        join(referenceDir, 'samples.jsonl'),
        '--field',
        'question',
        '--tree',
        referenceDir,
        '--dry-run',
        '--quiet',
        '--out',
        out,
      ];
      const refused = await runCli(balance);
      expect(refused.code, refused.stderr).toBe(2);
      expect(oneLine(refused)).toMatch(new RegExp(`balance: in use by pid ${process.pid} on `));
      expect(readdirSync(out)).toEqual(['.treesynth.lock']);
      rmSync(join(out, '.treesynth.lock'));
      const done = await runCli(balance);
      expect(done.code, done.stderr).toBe(0);
      expect(existsSync(join(out, 'balance.json'))).toBe(true);
      expect(existsSync(join(out, '.treesynth.lock'))).toBe(false);
    }, 60_000);

    it('a resume refused for a changed setting leaves the folder unlocked', async () => {
      const dir = join(work, 'refused');
      cpSync(referenceDir, dir, { recursive: true });
      const refused = await runCli([...args(dir), '--resume', '--seed', '12']);
      expect(refused.code, refused.stderr).toBe(2);
      expect(existsSync(join(dir, '.treesynth.lock'))).toBe(false);
      const resumed = await runCli([...args(dir), '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expectReferenceDataset(dir);
    }, 60_000);

    it('a stale lock on a finished run (its process gone) does not block a resume', async () => {
      const dir = join(work, 'stale');
      cpSync(referenceDir, dir, { recursive: true });
      const pid = deadPid();
      writeFileSync(
        join(dir, '.treesynth.lock'),
        JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z', token: 'gone' }),
      );
      const before = simulator.stats().total;
      const resumed = await runCli(['run', '--resume', '--out', dir, '--quiet', '--base-url', simulator.url]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(simulator.stats().total - before).toBe(0);
      expectReferenceDataset(dir);
    }, 60_000);
  });

  describe('--resume where no run is yet', () => {
    it('starts the run in a missing folder (a kill before the folder existed) and says so', async () => {
      const dir = join(work, 'never-started');
      const killed = spawnCli(args(dir));
      const done = collect(killed);
      killed.kill('SIGKILL');
      await done;
      expect(existsSync(join(dir, 'run.json'))).toBe(false);
      const resumed = await runCli([...args(dir), '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(/no run in .*never-started yet \(run\.json is missing\): started it/);
      expectReferenceDataset(dir);
    }, 60_000);

    it('starts it where a kill cut the folder’s creation short (only our temp file and a dead lock)', async () => {
      const dir = join(work, 'cut-short');
      mkdirSync(dir);
      const torn = '.treesynth-run.json.0123456789ab.tmp';
      writeFileSync(join(dir, torn), '{"schemaVer');
      writeFileSync(
        join(dir, '.treesynth.lock'),
        JSON.stringify({ pid: deadPid(), hostname: hostname(), startedAt: 'then', token: 'gone' }),
      );
      const resumed = await runCli([...args(dir), '--resume']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toContain('started it');
      expect(existsSync(join(dir, torn))).toBe(false);
      expectReferenceDataset(dir);
    }, 60_000);
  });

  describe('a full disk', () => {
    const mount = join(work, 'small-disk');
    let mounted = false;
    afterAll(() => {
      if (mounted) execFileSync('umount', [mount]);
    });

    it('stops the run marked failed with the write error; after space is freed --resume says so and finishes', async () => {
      // A tmpfs twice the run's size, filled so that the run gets about half way.
      const needed = footprint(referenceDir);
      mkdirSync(mount);
      execFileSync('mount', [
        '-t',
        'tmpfs',
        '-o',
        `size=${Math.ceil((2 * needed) / 1024) + 512}k`,
        'tmpfs',
        mount,
      ]);
      mounted = true;
      const free = () => {
        const stats = statfsSync(mount);
        return stats.bavail * stats.bsize;
      };
      const filler = join(mount, 'filler');
      writeFileSync(filler, Buffer.alloc(free() - Math.floor(needed / 2)));
      const dir = join(mount, 'run');

      const failed = await runCli(args(dir));
      expect(failed.code, failed.stderr).toBe(1);
      expect(oneLine(failed)).toMatch(
        /^treesynth: write error on .*run\/\S+: no space left on device \(ENOSPC\)$/,
      );
      const manifest = readJson(join(dir, 'run.json'));
      expect(manifest.status).toBe('failed');
      expect(existsSync(join(dir, '.treesynth.lock'))).toBe(false);
      expect(manifest.error).toMatch(/^write error on .*: no space left on device \(ENOSPC\)$/);
      expect(countLines(join(dir, 'samples.jsonl'))).toBeLessThan(reference.length);

      rmSync(filler);
      const resumed = await runCli(['run', '--resume', '--out', dir, '--quiet', '--base-url', simulator.url]);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stderr).toMatch(
        /resuming .*run: the last run failed: write error on .*: no space left on device \(ENOSPC\)/,
      );
      expectReferenceDataset(dir);
    }, 120_000);
  });
});
