import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator } from '@treesynth/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from './cli-harness.js';
import { wordProblemLines } from './word-problems.fixture.js';

const CANARY = `sk-canary-${Math.random().toString(36).slice(2, 12)}`;
const work = mkdtempSync(join(tmpdir(), 'treesynth-secrets-'));

/**
 * A loopback gateway in front of the simulator that authenticates by query parameter: it records every
 * request's path and query, and forwards it without the query. With `failChat`, it answers every chat
 * call HTTP 500 with an error body that echoes the request, key included, as some gateways do.
 */
async function startGateway(simulatorUrl: string, options: { failChat?: boolean } = {}) {
  const origin = new URL(simulatorUrl).origin;
  const received: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      received.push(request.url ?? '');
      const path = (request.url ?? '/').split('?')[0]!;
      if (options.failChat && path.endsWith('/chat/completions')) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: { message: `upstream failed for ${request.url}` } }));
        return;
      }
      const upstream = await fetch(`${origin}${path}`, {
        method: request.method,
        headers: { 'content-type': 'application/json' },
        ...(request.method === 'POST' ? { body: Buffer.concat(chunks) } : {}),
      });
      response.writeHead(upstream.status, { 'content-type': 'application/json' });
      response.end(await upstream.text());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Every file under a folder, recursively, that contains the canary. */
function filesWithCanary(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return (readdirSync(dir, { recursive: true }) as string[])
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile() && readFileSync(path).includes(CANARY));
}

/** The gateway got the key, in the named query parameter, on every request it saw. */
function expectKeyOnEveryCall(calls: string[], parameter: string) {
  expect(calls.length).toBeGreaterThan(1);
  for (const url of calls) expect(new URL(url, 'http://x').searchParams.get(parameter)).toBe(CANARY);
}

function expectNoCanary(result: CliResult, ...dirs: string[]) {
  expect(result.stdout).not.toContain(CANARY);
  expect(result.stderr).not.toContain(CANARY);
  for (const dir of dirs) {
    expect(readdirSync(dir, { recursive: true }).length).toBeGreaterThan(0);
    expect(filesWithCanary(dir)).toEqual([]);
  }
}

describe('credentials in an endpoint URL never reach a file, stdout or stderr', () => {
  let simulator: Awaited<ReturnType<typeof startSimulator>>;
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  const common = ['--task', 'tom', '--model', 'sim', '--depth', '1', '--quiet'];

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 5 });
    gateway = await startGateway(simulator.url);
  });
  afterAll(async () => {
    await gateway?.close();
    await simulator?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('run: a key in a --base-url query parameter reaches the gateway on every call and nowhere else', async () => {
    const out = join(work, 'run-query');
    const before = gateway.received.length;
    const result = await runCli([
      'run',
      ...common,
      '--base-url',
      `${gateway.url}?api-key=${CANARY}`,
      '--out',
      out,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const calls = gateway.received.slice(before);
    expect(calls.some((url) => url.startsWith('/v1/models?'))).toBe(true);
    expect(calls.filter((url) => url.startsWith('/v1/chat/completions')).length).toBeGreaterThan(3);
    expectKeyOnEveryCall(calls, 'api-key');
    expectNoCanary(result, out);
    expect(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).model.baseURL).toBe(
      `${gateway.url}?api-key=***`,
    );

    // run.json keeps the endpoint redacted, so a resume without it asks for it again.
    const resumed = await runCli(['run', '--resume', '--out', out, '--quiet']);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/^treesynth: --base-url: the run keeps its endpoint without credentials/);
    expectNoCanary(resumed, out);
  }, 120_000);

  it('tree: a key in an OPENAI_BASE_URL query parameter', async () => {
    const out = join(work, 'tree-query');
    const before = gateway.received.length;
    const result = await runCli(['tree', ...common, '--out', out], {
      OPENAI_BASE_URL: `${gateway.url}?key=${CANARY}`,
    });
    expect(result.code, result.stderr).toBe(0);
    expectKeyOnEveryCall(gateway.received.slice(before), 'key');
    expectNoCanary(result, out);
  }, 120_000);

  it('balance: a key in a --base-url query parameter, with a tree built on the way', async () => {
    const data = join(work, 'train.jsonl');
    writeFileSync(data, `${wordProblemLines(30).join('\n')}\n`);
    const out = join(work, 'balance-query');
    const before = gateway.received.length;
    const result = await runCli([
      'balance',
      ...['--data', data, '--field', 'question', '--task', 'gsm8k', '--depth', '1', '--model', 'sim'],
      ...['--base-url', `${gateway.url}?token=${CANARY}`, '--out', out, '--quiet'],
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(expect.arrayContaining(['balance.json', 'plan.json', 'report.html']));
    expectKeyOnEveryCall(gateway.received.slice(before), 'token');
    expectNoCanary(result, out);
  }, 180_000);

  it('an endpoint that echoes the key in its error bodies: the failures are stored without it', async () => {
    const failing = await startGateway(simulator.url, { failChat: true });
    try {
      const out = join(work, 'run-echo');
      const result = await runCli([
        'run',
        ...common,
        ...['--base-url', `${failing.url}?access_token=${CANARY}`, '--max-attempts', '1', '--out', out],
      ]);
      expect(result.code).toBe(1);
      expect(failing.received.some((url) => url.includes(CANARY))).toBe(true);
      expect(readFileSync(join(out, 'events.jsonl'), 'utf8')).toMatch(
        /upstream failed for \/v1\/chat\/completions\?access_token=\[redacted\]/,
      );
      expectNoCanary(result, out);
    } finally {
      await failing.close();
    }
  }, 120_000);

  it.each([
    ['run', '--base-url'],
    ['tree', 'OPENAI_BASE_URL'],
    ['balance', '--base-url'],
  ])(
    '%s: a URL with user:key@ is one line naming %s, and nothing is written',
    async (command, source) => {
      const out = join(work, `userinfo-${command}`);
      const url = `http://user:${CANARY}@${new URL(gateway.url).host}/v1`;
      const before = gateway.received.length;
      const args =
        command === 'balance'
          ? [
              'balance',
              '--data',
              join(work, 'train.jsonl'),
              '--field',
              'question',
              '--task',
              'gsm8k',
              '--model',
              'sim',
            ]
          : [command, ...common];
      const result = await runCli(
        [...args, ...(source === '--base-url' ? ['--base-url', url] : []), '--out', out],
        source === 'OPENAI_BASE_URL' ? { OPENAI_BASE_URL: url } : {},
      );
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toContain(`treesynth: ${source}: http://***@127.0.0.1:`);
      expect(result.stderr).toMatch(/fetch refuses to send/);
      expectNoCanary(result);
      expect(existsSync(out)).toBe(false);
      expect(gateway.received.length).toBe(before);
    },
    120_000,
  );

  it('an unreachable endpoint: the error line shows the URL with its key redacted', async () => {
    const out = join(work, 'unreachable');
    const url = `http://127.0.0.1:${await deadPort()}/v1?api_key=${CANARY}`;
    const result = await runCli(['run', ...common, '--base-url', url, '--out', out]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^treesynth: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\?api_key=\*\*\* \(ECONNREFUSED\)\n$/,
    );
    expectNoCanary(result);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
