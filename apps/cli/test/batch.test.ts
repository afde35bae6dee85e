import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSamples, runCli } from './cli-harness.js';

/** Plays the batch service: sends every request line to the simulator and writes the output file. */
async function runBatch(
  requestsFile: string,
  simulatorUrl: string,
  options: { failFirst?: boolean } = {},
): Promise<string> {
  const origin = simulatorUrl.replace(/\/v1$/, '');
  const lines = readFileSync(requestsFile, 'utf8').split('\n').filter(Boolean);
  const output: string[] = [];
  for (const [index, text] of lines.entries()) {
    const request = JSON.parse(text) as { custom_id: string; url: string; body: unknown };
    if (options.failFirst && index === 0) {
      output.push(
        JSON.stringify({
          id: `b${index}`,
          custom_id: request.custom_id,
          response: null,
          error: { code: 'server_error', message: 'batch worker died' },
        }),
      );
      continue;
    }
    const response = await fetch(`${origin}${request.url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request.body),
    });
    output.push(
      JSON.stringify({
        id: `b${index}`,
        custom_id: request.custom_id,
        response: { status_code: response.status, body: await response.json() },
        error: null,
      }),
    );
  }
  const file = `${requestsFile}.results.jsonl`;
  writeFileSync(file, `${output.join('\n')}\n`);
  return file;
}

/** The usage each successful line of a results file reports. */
function resultUsage(file: string): { prompt_tokens: number; completion_tokens: number }[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line).response?.body?.usage)
    .filter(Boolean);
}

describe('batch export and ingest', () => {
  const work = mkdtempSync(join(tmpdir(), 'treesynth-batch-'));
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  beforeAll(async () => {
    simulator = await startSimulator({ seed: 3 });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('round-trips the leaf calls through a batch file to the dataset a live run gives', async () => {
    const common = [
      '--task',
      'gsm8k',
      // A model with a price, so the batch stage's cost is known.
      '--model',
      'gpt-4o-mini',
      '--base-url',
      simulator.url,
      '--depth',
      '2',
      '--seed',
      '4',
      '--quiet',
    ];
    const live = join(work, 'live');
    expect((await runCli(['run', ...common, '--out', live])).code).toBe(0);

    const batched = join(work, 'batched');
    const tree = await runCli(['tree', ...common, '--out', batched, '--json']);
    expect(tree.code, tree.stderr).toBe(0);
    const planned = JSON.parse(tree.stdout).estimate.leafCalls;

    const exported = await runCli(['batch', 'export', batched, '--json', '--quiet']);
    expect(exported.code, exported.stderr).toBe(0);
    const exportSummary = JSON.parse(exported.stdout);
    expect(exportSummary.status).toBe('awaiting-batch');
    expect(exportSummary.requests).toBe(planned);
    const requestsFile = exportSummary.requestsFile as string;
    const firstLine = JSON.parse(readFileSync(requestsFile, 'utf8').split('\n')[0]!);
    expect(firstLine).toMatchObject({
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o-mini' },
    });
    expect(firstLine.body.response_format.json_schema.name).toBe('treesynth_leaf');

    // First round: one request fails in the batch; ingest makes no live call and exports it again.
    const results = await runBatch(requestsFile, simulator.url, { failFirst: true });
    const reported = resultUsage(results);
    const before = simulator.stats().total;
    const ingested = await runCli(['batch', 'ingest', batched, results, '--json', '--quiet']);
    expect(ingested.code, ingested.stderr).toBe(0);
    expect(simulator.stats().total).toBe(before);
    const firstRound = JSON.parse(ingested.stdout);
    expect(firstRound.status).toBe('awaiting-batch');
    expect(firstRound.requests).toBe(1);

    const retry = await runBatch(firstRound.requestsFile, simulator.url);
    const finished = await runCli(['batch', 'ingest', batched, retry, '--json', '--quiet']);
    expect(finished.code, finished.stderr).toBe(0);
    expect(JSON.parse(finished.stdout).status).toBe('complete');
    expect(JSON.parse(readFileSync(join(batched, 'run.json'), 'utf8')).status).toBe('complete');

    // The batch's own usage is its stage in usage.json, priced like the others.
    const usage = JSON.parse(readFileSync(join(batched, 'usage.json'), 'utf8'));
    reported.push(...resultUsage(retry));
    expect(usage.stages.batch.calls).toBe(planned);
    expect(reported).toHaveLength(planned);
    expect(usage.stages.batch.promptTokens).toBe(
      reported.reduce((sum, entry) => sum + entry.prompt_tokens, 0),
    );
    expect(usage.stages.batch.completionTokens).toBe(
      reported.reduce((sum, entry) => sum + entry.completion_tokens, 0),
    );
    expect(usage.stages.batch.promptTokens).toBeGreaterThan(0);
    expect(usage.cost.stages.batch).toBeGreaterThan(0);
    // Ingesting the same file again stores nothing twice and counts no usage twice.
    const again = await runCli(['batch', 'ingest', batched, retry, '--json', '--quiet']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).ingested).toMatchObject({ stored: 0, alreadyStored: 1 });
    expect(JSON.parse(readFileSync(join(batched, 'usage.json'), 'utf8')).stages.batch.calls).toBe(planned);

    const liveSamples = readSamples(live);
    const batchSamples = readSamples(batched);
    expect(batchSamples.length).toBe(liveSamples.length);
    const byId = new Map(liveSamples.map((sample) => [sample.id, sample]));
    for (const sample of batchSamples) expect(sample).toEqual(byId.get(sample.id));
  }, 120_000);

  it('refuses a run whose tree is not built', async () => {
    const none = await runCli(['batch', 'export', join(work, 'missing')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no run here/);
  }, 60_000);

  describe('with built trees', () => {
    const runA = join(work, 'run-a');
    const runB = join(work, 'run-b');
    let resultsA: string;
    let resultsB: string;
    beforeAll(async () => {
      for (const [dir, seed] of [
        [runA, '1'],
        [runB, '2'],
      ] as const) {
        const built = await runCli([
          'tree',
          ...['--task', 'tom', '--model', 'sim', '--base-url', simulator.url],
          ...['--depth', '1', '--seed', seed, '--quiet', '--out', dir],
        ]);
        expect(built.code, built.stderr).toBe(0);
      }
      // Run B is exported and answered: its results are another run's for run A.
      const exportedB = await runCli(['batch', 'export', runB, '--quiet']);
      expect(exportedB.code, exportedB.stderr).toBe(0);
      resultsB = await runBatch(join(runB, 'batch-requests.jsonl'), simulator.url);
    }, 120_000);

    /** Every file of a run with its content, to show that a refusal changed nothing. */
    function snapshot(dir: string): Record<string, string> {
      const files: Record<string, string> = {};
      for (const name of readdirSync(dir, { recursive: true }) as string[]) {
        const path = join(dir, name);
        if (statSync(path).isFile()) files[name] = readFileSync(path, 'utf8');
      }
      return files;
    }

    function expectOneLineError(result: { code: number | null; stderr: string }, pattern: RegExp) {
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(pattern);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }

    it('refuses to write the requests over any of the run’s own files, and leaves the run as it was', async () => {
      const before = snapshot(runA);
      symlinkSync(join(runA, 'events.jsonl'), join(work, 'link-to-events.jsonl'));
      const targets = [
        join(runA, 'samples.jsonl'),
        join(runA, 'run.json'),
        `${runA}/./tree.json`,
        `${runA}/../run-a/usage.json`,
        join(runA, 'cache', 'ab.json'),
        join(runA, 'cache'),
        join(work, 'link-to-events.jsonl'),
      ];
      for (const target of targets) {
        const result = await runCli(['batch', 'export', runA, '--file', target]);
        expectOneLineError(result, /treesynth: --file: .*the run's own/);
      }
      expect(snapshot(runA)).toEqual(before);
    }, 120_000);

    it('fails an export to an unwritable path before the run moves to awaiting-batch', async () => {
      const before = snapshot(runA);
      expect(JSON.parse(before['run.json']!).status).toBe('tree-built');
      writeFileSync(join(work, 'a-file'), 'x');
      for (const target of [
        join(work, 'no-such-folder', 'requests.jsonl'),
        join(work, 'a-file', 'requests.jsonl'),
      ]) {
        const result = await runCli(['batch', 'export', runA, '--file', target]);
        expectOneLineError(result, /treesynth: --file: .*cannot write there \((ENOENT|ENOTDIR)\)/);
      }
      expect(snapshot(runA)).toEqual(before);
    }, 60_000);

    it('refuses a malformed results file whole, naming the file and line', async () => {
      const exported = await runCli(['batch', 'export', runA, '--quiet']);
      expect(exported.code, exported.stderr).toBe(0);
      resultsA = await runBatch(join(runA, 'batch-requests.jsonl'), simulator.url);
      const good = readFileSync(resultsA, 'utf8').split('\n').filter(Boolean);
      expect(good.length).toBeGreaterThan(2);
      const first = JSON.parse(good[0]!);
      const before = snapshot(runA);
      const cases: [string, RegExp][] = [
        ['not json', /:3: not JSON/],
        ['null', /:3: expected a result object, got null/],
        ['[1]', /:3: expected a result object, got an array/],
        [JSON.stringify({ response: first.response }), /:3: no custom_id/],
        [JSON.stringify({ ...first, custom_id: '../../etc/passwd' }), /:3: custom_id .* is not a request id/],
        [
          JSON.stringify({ ...first, response: { status_code: 200, body: { choices: [] } } }),
          /:3: .*without any choice/,
        ],
      ];
      for (const [bad, pattern] of cases) {
        const file = join(work, 'malformed.jsonl');
        writeFileSync(file, `${good[0]}\n${good[1]}\n${bad}\n${good.slice(2).join('\n')}\n`);
        const result = await runCli(['batch', 'ingest', runA, file]);
        expectOneLineError(result, pattern);
        expect(result.stderr).toContain(`${file}:3`);
        expect(result.stderr).toMatch(/nothing was ingested/);
      }
      expect(snapshot(runA)).toEqual(before);
    }, 120_000);

    it('refuses two different answers under one custom_id, and ingests a repeated identical one once', async () => {
      const good = readFileSync(resultsA, 'utf8').split('\n').filter(Boolean);
      const first = JSON.parse(good[0]!);
      const other = JSON.parse(good[1]!);
      const before = snapshot(runA);
      const conflicting = join(work, 'conflicting.jsonl');
      // Line 3 answers line 1's request with another request's answer.
      writeFileSync(
        conflicting,
        `${[good[0], good[1], JSON.stringify({ ...other, custom_id: first.custom_id })].join('\n')}\n`,
      );
      const refused = await runCli(['batch', 'ingest', runA, conflicting]);
      expectOneLineError(refused, /lines 1 and 3 give different answers for custom_id [0-9a-f]{64}/);
      expect(snapshot(runA)).toEqual(before);

      const repeated = join(work, 'repeated.jsonl');
      writeFileSync(repeated, `${[...good, good[0]].join('\n')}\n`);
      const ingested = await runCli(['batch', 'ingest', runA, repeated, '--json', '--quiet']);
      expect(ingested.code, ingested.stderr).toBe(0);
      expect(ingested.stderr).toMatch(new RegExp(`line ${good.length + 1} repeats line 1`));
      const summary = JSON.parse(ingested.stdout);
      expect(summary.ingested).toMatchObject({ stored: good.length, duplicates: 1, foreign: 0 });
      expect(summary.status).toBe('complete');
      const usage = JSON.parse(readFileSync(join(runA, 'usage.json'), 'utf8'));
      expect(usage.stages.batch.calls).toBe(good.length);
    }, 120_000);

    it('refuses another run’s results: all of them (exit 2), or some of them (counted apart, not ingested)', async () => {
      const before = snapshot(runA);
      const foreign = await runCli(['batch', 'ingest', runA, resultsB]);
      expectOneLineError(
        foreign,
        /none of its \d+ results answers a request of this run \(e\.g\. line 1, custom_id [0-9a-f]{64}\)/,
      );
      expect(snapshot(runA)).toEqual(before);

      // Run B has not ingested anything yet: its own lines plus one of run A's.
      const mixed = join(work, 'mixed.jsonl');
      const linesB = readFileSync(resultsB, 'utf8').split('\n').filter(Boolean);
      const lineA = readFileSync(resultsA, 'utf8').split('\n').find(Boolean)!;
      writeFileSync(mixed, `${[...linesB, lineA].join('\n')}\n`);
      const ingested = await runCli(['batch', 'ingest', runB, mixed, '--json', '--quiet']);
      expect(ingested.code, ingested.stderr).toBe(0);
      expect(ingested.stderr).toContain(
        `refused 1 result(s) that answer no request of this run (e.g. line ${linesB.length + 1}, custom_id ${JSON.parse(lineA).custom_id})`,
      );
      expect(JSON.parse(ingested.stdout).ingested).toMatchObject({ stored: linesB.length, foreign: 1 });
      expect(JSON.parse(readFileSync(join(runB, 'usage.json'), 'utf8')).stages.batch.calls).toBe(
        linesB.length,
      );
    }, 120_000);
  });
});
