import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { AbortedError, ApiCallError, type ChatCallOptions, ConfigError } from '@treesynth/core';
import { ScriptedChatModel, scriptedApiError } from '@treesynth/core/test';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAICompatible } from '../openai/openai-compatible-provider.js';
import { loadBalancedChatModel } from './load-balanced-chat-model.js';

const call: ChatCallOptions = { messages: [{ role: 'user', content: 'hello' }], callKey: 'leaf/1' };

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A mock endpoint whose every call fails with a connection error until `healthy` is set. */
function flakyEndpoint(name: string) {
  const state = { healthy: false };
  const model = new ScriptedChatModel({
    modelId: 'm',
    reply: () => {
      if (!state.healthy) throw scriptedApiError({ message: `cannot reach ${name} (ECONNREFUSED)` });
      return `from ${name}`;
    },
  });
  return { model, state };
}

describe('loadBalancedChatModel: routing', () => {
  it('sends more calls to the endpoint that answers faster (least busy)', async () => {
    // The slow endpoint answers nothing until every call is sent, whatever the machine's load: it takes
    // a call only while the fast one has more in flight, so it holds at most 4 of the 8 at any time.
    let sendAnswers = () => {};
    const allSent = new Promise<void>((resolve) => {
      sendAnswers = resolve;
    });
    const slow = new ScriptedChatModel({
      modelId: 'm',
      reply: async (_, callNumber) => {
        await allSent;
        return `scripted answer ${callNumber}`;
      },
    });
    const fast = new ScriptedChatModel({ modelId: 'm', delayMs: 4 });
    const balanced = loadBalancedChatModel({ models: [slow, fast] });
    await runPool(80, 8, (index) => {
      const answer = balanced.doGenerate(call);
      if (index === 79) sendAnswers();
      return answer;
    });
    expect(slow.callCount + fast.callCount).toBe(80);
    expect(fast.callCount).toBeGreaterThan(3 * slow.callCount);
  });

  it('spreads sequential calls evenly: ties are broken in turn', async () => {
    const models = [1, 2, 3].map(() => new ScriptedChatModel({ modelId: 'm' }));
    const balanced = loadBalancedChatModel({ models });
    for (let index = 0; index < 9; index++) await balanced.doGenerate(call);
    expect(models.map((model) => model.callCount)).toEqual([3, 3, 3]);
  });

  it('round-robin goes in turn whatever is in flight', async () => {
    const models = [
      new ScriptedChatModel({ modelId: 'm', delayMs: 30 }),
      new ScriptedChatModel({ modelId: 'm' }),
    ];
    const balanced = loadBalancedChatModel({ models, strategy: 'round-robin', endpointNames: ['a', 'b'] });
    const results = await Promise.all([1, 2, 3, 4].map(() => balanced.doGenerate(call)));
    expect(results.map((result) => result.warnings?.at(-1))).toEqual([
      'answered by a',
      'answered by b',
      'answered by a',
      'answered by b',
    ]);
  });

  it('has a stable identity: the shared model id and provider', () => {
    const same = [new ScriptedChatModel({ modelId: 'qwen' }), new ScriptedChatModel({ modelId: 'qwen' })];
    expect(loadBalancedChatModel({ models: same })).toMatchObject({ modelId: 'qwen', provider: 'scripted' });
    const mixed = [
      new ScriptedChatModel({ modelId: 'qwen', provider: 'a' }),
      new ScriptedChatModel({ modelId: 'qwen', provider: 'b' }),
    ];
    expect(loadBalancedChatModel({ models: mixed }).provider).toBe('load-balanced');
  });

  it('rejects bad options with ConfigError', () => {
    const differentIds = [new ScriptedChatModel({ modelId: 'a' }), new ScriptedChatModel({ modelId: 'b' })];
    expect(() => loadBalancedChatModel({ models: differentIds })).toThrow(ConfigError);
    expect(loadBalancedChatModel({ models: differentIds, modelId: 'ab' }).modelId).toBe('ab');
    expect(() => loadBalancedChatModel({ models: [] })).toThrow(ConfigError);
    expect(() => loadBalancedChatModel({ models: [new ScriptedChatModel()], ejectAfterFailures: 0 })).toThrow(
      'ejectAfterFailures',
    );
    expect(() => loadBalancedChatModel({ models: [new ScriptedChatModel()], endpointNames: [] })).toThrow(
      'endpointNames',
    );
  });
});

describe('loadBalancedChatModel: failover', () => {
  it('moves a call that fails with a retryable error to another endpoint and says so', async () => {
    const broken = new ScriptedChatModel({ modelId: 'm', failures: [scriptedApiError({ statusCode: 503 })] });
    const working = new ScriptedChatModel({ modelId: 'm' });
    const balanced = loadBalancedChatModel({ models: [broken, working], endpointNames: ['a', 'b'] });
    const result = await balanced.doGenerate(call);
    expect(result.text).toBe('scripted answer 0');
    expect(result.warnings).toEqual(['answered by b after 1 failed endpoint (a: HTTP 503)']);
    expect(balanced.endpoints().map((endpoint) => [endpoint.calls, endpoint.failures])).toEqual([
      [1, 1],
      [1, 0],
    ]);
  });

  it('tries each endpoint at most once per call, then throws a retryable error naming every failure', async () => {
    const models = [1, 2, 3].map(
      (index) =>
        new ScriptedChatModel({ modelId: 'm', failures: [scriptedApiError({ statusCode: 500 + index })] }),
    );
    const balanced = loadBalancedChatModel({ models });
    const error = await failure(balanced.doGenerate(call));
    expect(models.map((model) => model.callCount)).toEqual([1, 1, 1]);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ isRetryable: true });
    expect((error as Error).message).toBe(
      'every endpoint tried failed (endpoint 1: HTTP 501; endpoint 2: HTTP 502; endpoint 3: HTTP 503)',
    );
  });

  it('does not fail over on a non-retryable error, nor count it against the endpoint', async () => {
    const rejecting = new ScriptedChatModel({
      modelId: 'm',
      failures: [scriptedApiError({ statusCode: 400 })],
    });
    const other = new ScriptedChatModel({ modelId: 'm' });
    const balanced = loadBalancedChatModel({ models: [rejecting, other] });
    await expect(balanced.doGenerate(call)).rejects.toMatchObject({ statusCode: 400 });
    expect(other.callCount).toBe(0);
    expect(balanced.endpoints()[0]).toMatchObject({ failures: 0, state: 'healthy' });
  });

  it('stops with AbortedError when the caller aborts, without blaming the endpoint', async () => {
    const slow = new ScriptedChatModel({ modelId: 'm', delayMs: 1_000 });
    const other = new ScriptedChatModel({ modelId: 'm' });
    const balanced = loadBalancedChatModel({ models: [slow, other] });
    const controller = new AbortController();
    const pending = balanced.doGenerate({ ...call, signal: controller.signal });
    controller.abort();
    expect(await failure(pending)).toBeInstanceOf(AbortedError);
    expect(other.callCount).toBe(0);
    expect(balanced.endpoints()[0]).toMatchObject({ failures: 0, inFlight: 0 });
  });
});

describe('loadBalancedChatModel: ejection and probes', () => {
  it('ejects an endpoint after consecutive failures, probes it after probeAfterMs, and takes it back', async () => {
    const dead = flakyEndpoint('a');
    const alive = new ScriptedChatModel({ modelId: 'm' });
    const balanced = loadBalancedChatModel({
      models: [dead.model, alive],
      endpointNames: ['a', 'b'],
      ejectAfterFailures: 2,
      probeAfterMs: 40,
    });
    for (let index = 0; index < 6; index++) await balanced.doGenerate(call);
    // Two failures (failed over to b), then no more calls to a.
    expect(dead.model.callCount).toBe(2);
    expect(balanced.endpoints()[0]).toMatchObject({ state: 'ejected', failures: 2 });

    await sleep(50);
    // One probe, which fails: ejected again at once, without waiting for two more failures.
    await Promise.all([1, 2, 3, 4].map(() => balanced.doGenerate(call)));
    expect(dead.model.callCount).toBe(3);
    expect(balanced.endpoints()[0]).toMatchObject({ state: 'ejected', failures: 3 });

    dead.state.healthy = true;
    await sleep(50);
    const probe = await balanced.doGenerate(call);
    expect(probe.warnings).toEqual(['answered by a']);
    expect(balanced.endpoints()[0]).toMatchObject({ state: 'healthy', consecutiveFailures: 0 });
  });

  it('lets only one probe through while the probe is in flight', async () => {
    let healthy = false;
    const dead = new ScriptedChatModel({
      modelId: 'm',
      delayMs: (callNumber) => (callNumber === 1 ? 30 : 0),
      reply: () => {
        if (!healthy) throw scriptedApiError({});
        return 'probe answer';
      },
    });
    const alive = new ScriptedChatModel({ modelId: 'm' });
    const balanced = loadBalancedChatModel({
      models: [dead, alive],
      ejectAfterFailures: 1,
      probeAfterMs: 10,
    });
    await balanced.doGenerate(call);
    expect(balanced.endpoints()[0]?.state).toBe('ejected');
    healthy = true;
    await sleep(15);
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => balanced.doGenerate(call)));
    expect(dead.callCount).toBe(2);
    expect(results.filter((result) => result.text === 'probe answer')).toHaveLength(1);
    expect(balanced.endpoints()[0]?.state).toBe('healthy');
  });

  it('fails at once, retryably, with the time to the next probe, when every endpoint is ejected', async () => {
    const models = [flakyEndpoint('a').model, flakyEndpoint('b').model];
    const balanced = loadBalancedChatModel({ models, ejectAfterFailures: 1, probeAfterMs: 5_000 });
    await failure(balanced.doGenerate(call));
    const error = await failure(balanced.doGenerate(call));
    expect(models.map((model) => model.callCount)).toEqual([1, 1]);
    expect(error).toBeInstanceOf(ApiCallError);
    expect(error).toMatchObject({ isRetryable: true });
    expect((error as ApiCallError).retryAfterSeconds).toBeGreaterThan(4);
    expect((error as ApiCallError).retryAfterSeconds).toBeLessThanOrEqual(5);
  });
});

/** An OpenAI-compatible server on loopback that answers every chat call after `latencyMs`. */
async function startEndpoint(name: string, latencyMs: number) {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string };
      setTimeout(() => {
        if (response.destroyed) return;
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            id: `chatcmpl-${requests}`,
            object: 'chat.completion',
            created: 0,
            model: body.model,
            choices: [
              { index: 0, message: { role: 'assistant', content: `from ${name}` }, finish_reason: 'stop' },
            ],
            usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
          }),
        );
      }, latencyMs);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    /** Stop at once: no new connections, every open one (keep-alive and mid-request) destroyed. */
    kill: () => {
      server.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Run `total` tasks with at most `concurrency` at once; resolves with every result. */
async function runPool<T>(total: number, concurrency: number, task: (index: number) => Promise<T>) {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

describe('loadBalancedChatModel over real HTTP servers', () => {
  const servers: Awaited<ReturnType<typeof startEndpoint>>[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.kill();
  });

  it('answers every call when one of three servers dies mid-run, spreading the load over the rest', async () => {
    servers.push(...(await Promise.all(['a', 'b', 'c'].map((name) => startEndpoint(name, 10)))));
    const models = servers.map((server) => createOpenAICompatible({ baseURL: server.url }).chat('qwen-7b'));
    const balanced = loadBalancedChatModel({
      models,
      endpointNames: ['a', 'b', 'c'],
      ejectAfterFailures: 2,
      probeAfterMs: 60_000,
    });
    expect(balanced).toMatchObject({ provider: 'openai-compatible', modelId: 'qwen-7b' });

    const total = 150;
    const killAfter = 50;
    let completed = 0;
    let failedOver = 0;
    const answeredBy: string[] = [];
    await runPool(total, 12, async () => {
      const result = await balanced.doGenerate(call);
      completed++;
      if (completed === killAfter) servers[1]!.kill();
      answeredBy.push(result.text.replace('from ', ''));
      if (result.warnings?.some((warning) => warning.includes('failed endpoint'))) failedOver++;
      return result;
    });

    const count = (name: string, list: string[]) => list.filter((entry) => entry === name).length;
    const before = answeredBy.slice(0, killAfter);
    const after = answeredBy.slice(killAfter + 12);
    const spread = {
      before: ['a', 'b', 'c'].map((name) => count(name, before)),
      after: ['a', 'b', 'c'].map((name) => count(name, after)),
    };
    // Measured: before [16, 17, 17], after [44, 0, 44]; 4 calls failed over; b's 22 calls, 4 failed.
    expect(failedOver).toBeGreaterThan(0);
    expect(answeredBy).toHaveLength(total);
    // Before the kill each server answered about a third.
    for (const share of spread.before) expect(share).toBeGreaterThanOrEqual(10);
    // Once the failures are noticed, b answers nothing and a and c share the load.
    expect(spread.after[1]).toBe(0);
    expect(Math.min(spread.after[0]!, spread.after[2]!)).toBeGreaterThan(0.35 * after.length);
    expect(balanced.endpoints()[1]).toMatchObject({ state: 'ejected' });
    expect(balanced.endpoints()[1]!.failures).toBeLessThanOrEqual(12 + 2);
  });
});
