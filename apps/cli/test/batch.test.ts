import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@treesynth/providers';
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
      '--model',
      'sim',
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
    expect(firstLine).toMatchObject({ method: 'POST', url: '/v1/chat/completions', body: { model: 'sim' } });
    expect(firstLine.body.response_format.json_schema.name).toBe('treesynth_leaf');

    // First round: one request fails in the batch; ingest makes no live call and exports it again.
    const results = await runBatch(requestsFile, simulator.url, { failFirst: true });
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

    const liveSamples = readSamples(live);
    const batchSamples = readSamples(batched);
    expect(batchSamples.length).toBe(liveSamples.length);
    const byId = new Map(liveSamples.map((sample) => [sample.id, sample]));
    for (const sample of batchSamples) expect(sample).toEqual(byId.get(sample.id));
  }, 120_000);

  it('refuses a run whose tree is not built, and a results line with a foreign id', async () => {
    const none = await runCli(['batch', 'export', join(work, 'missing')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no run here/);

    const built = join(work, 'foreign');
    expect(
      (
        await runCli([
          'tree',
          '--task',
          'tom',
          '--model',
          'sim',
          '--base-url',
          simulator.url,
          '--depth',
          '1',
          '--quiet',
          '--out',
          built,
        ])
      ).code,
    ).toBe(0);
    const results = join(work, 'foreign-results.jsonl');
    writeFileSync(
      results,
      `${JSON.stringify({ custom_id: '../../etc/passwd', response: { status_code: 200, body: {} } })}\nnot json\n`,
    );
    const ingested = await runCli(['batch', 'ingest', built, results]);
    expect(ingested.code).toBe(0);
    expect(ingested.stdout).toMatch(/ingested 0 results.*2 unreadable/s);
    expect(ingested.stdout).toMatch(/line 1: custom_id is not a request id/);
    expect(ingested.stdout).toMatch(/line 2: not JSON/);
  }, 60_000);
});
