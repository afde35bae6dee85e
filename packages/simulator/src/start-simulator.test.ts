import { Agent, request as httpRequest } from 'node:http';
import { BUILTIN_TASKS, ConfigError, parseTask, STAGE_SCHEMA_NAMES } from '@treesynth/core';
import { pivotPrompt, samplesSchema, toJsonSchema } from '@treesynth/core/internal';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, type SimulatorStats, startSimulator } from './start-simulator.js';

const task = parseTask(BUILTIN_TASKS.gsm8k);
const messages = pivotPrompt({
  task,
  path: [{ dimension: 'setting', value: 'garden' }],
  count: 4,
  temperature: 0.7,
  callKey: 'p',
});
const pivotBody = {
  model: 'sim',
  seed: 7,
  temperature: 0.7,
  messages,
  response_format: {
    type: 'json_schema' as const,
    json_schema: { name: STAGE_SCHEMA_NAMES.pivots, schema: toJsonSchema(samplesSchema(task)), strict: true },
  },
};

/** A response body as JSON, typed by the caller. */
async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

type ErrorReply = { error: { message: string; type: string } };
type CompletionReply = { object: string; choices: { message: { content: string } }[] };

function post(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
}

describe('startSimulator over HTTP', () => {
  let simulator: Simulator;

  beforeAll(async () => {
    simulator = await startSimulator({ seed: 2 });
  });
  afterAll(async () => {
    await simulator?.close();
  });

  it('answers a structured pivot request from the openai client', async () => {
    expect(simulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const client = new OpenAI({ baseURL: simulator.url, apiKey: 'test', maxRetries: 0 });
    const completion = await client.chat.completions.create(pivotBody);
    expect(completion.model).toBe('simulated/sim');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    const { samples } = samplesSchema(task).parse(JSON.parse(completion.choices[0]!.message.content!));
    expect(samples).toHaveLength(4);
    for (const sample of samples) expect(sample.question).toContain('setting: garden;');
    const models = await client.models.list();
    expect(models.data).toHaveLength(1);
  });

  it('answers identical requests with byte-identical bodies', async () => {
    const text = JSON.stringify(pivotBody);
    const url = `${simulator.url}/chat/completions`;
    const [first, second] = await Promise.all([post(url, text), post(url, text)]);
    expect(await second!.text()).toBe(await first!.text());
    const otherSeed = await post(url, JSON.stringify({ ...pivotBody, seed: 8 }));
    expect(await otherSeed.text()).not.toBe(await (await post(url, text)).text());
  });

  it('counts requests per stage, and refuses bad JSON and unknown routes', async () => {
    const before = simulator.stats();
    const origin = simulator.url.replace(/\/v1$/, '');
    expect((await post(`${origin}/chat/completions`, JSON.stringify(pivotBody))).status).toBe(200);
    const plain = await post(
      `${simulator.url}/chat/completions`,
      JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect((await json<CompletionReply>(plain)).choices[0]!.message.content).toMatch(/simulated/i);

    const badJson = await post(`${simulator.url}/chat/completions`, '{"model": ');
    expect(badJson.status).toBe(400);
    expect((await json<ErrorReply>(badJson)).error.type).toBe('invalid_request_error');
    const noMessages = await post(`${simulator.url}/chat/completions`, '{"model": "m"}');
    expect(noMessages.status).toBe(400);
    await noMessages.body?.cancel();

    const missing = await fetch(`${simulator.url}/embeddings`, { method: 'POST', body: '{}' });
    expect(missing.status).toBe(404);
    expect((await json<ErrorReply>(missing)).error.message).toMatch(/no route/);
    expect((await fetch(`${simulator.url}/chat/completions`)).status).toBe(404);

    const stats = await json<SimulatorStats>(await fetch(`${origin}/stats`));
    expect(stats).toEqual(simulator.stats());
    expect(stats.total - before.total).toBe(4);
    expect(stats.byStage.pivots - before.byStage.pivots).toBe(1);
    expect(stats.byStage.other - before.byStage.other).toBe(1);
    expect(stats.invalid - before.invalid).toBe(2);
  });
});

describe('startSimulator options', () => {
  it('refuses to listen anywhere but loopback', async () => {
    await expect(startSimulator({ host: '0.0.0.0' })).rejects.toSatisfy((error) =>
      ConfigError.isInstance(error),
    );
    await expect(startSimulator({ host: '192.168.1.10' })).rejects.toThrow(/loopback/);
  });

  it('delays each answer by its drawn latency', async () => {
    const simulator = await startSimulator({ latencyMs: { min: 100, max: 200 } });
    try {
      const url = `${simulator.url}/chat/completions`;
      const elapsed = await Promise.all(
        Array.from({ length: 20 }, async (_, index) => {
          const body = JSON.stringify({
            model: 'sim',
            seed: index,
            messages: [{ role: 'user', content: `hello ${index}` }],
          });
          const started = performance.now();
          const reply = await json<CompletionReply>(await post(url, body));
          expect(reply.object).toBe('chat.completion');
          return performance.now() - started;
        }),
      );
      // A lower bound only: timers never fire early, however loaded the machine is.
      expect(Math.min(...elapsed)).toBeGreaterThanOrEqual(95);
      expect(simulator.stats().byStage.pivots).toBe(0);
      expect(simulator.stats().byStage.other).toBe(20);
    } finally {
      await simulator.close();
    }
  });

  it('waits out latencies side by side: 300 requests are all in their wait at once', async () => {
    // Each request is recorded before its (here ten-minute) wait starts; a simulator that served
    // requests one at a time would record the second only after the first's wait, and never reach 300.
    let received = 0;
    let allWaiting = () => {};
    const waiting = new Promise<void>((resolve) => {
      allWaiting = resolve;
    });
    const simulator = await startSimulator({
      latencyMs: 600_000,
      onRequest: () => {
        if (++received === 300) allWaiting();
      },
    });
    const url = `${simulator.url}/chat/completions`;
    const pending = Array.from({ length: 300 }, (_, index) =>
      post(
        url,
        JSON.stringify({ model: 'sim', seed: index, messages: [{ role: 'user', content: `hi ${index}` }] }),
      )
        .then(() => 'answered')
        .catch(() => 'cancelled'),
    );
    await waiting;
    expect(simulator.stats().total).toBe(300);
    await simulator.close();
    expect(new Set(await Promise.all(pending))).toEqual(new Set(['cancelled']));
  }, 30_000);

  it('closes promptly with keep-alive connections and answers in flight still open', async () => {
    const simulator = await startSimulator({ latencyMs: 60_000 });
    const agent = new Agent({ keepAlive: true });
    const url = new URL(`${simulator.url}/models`);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      httpRequest(url, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      })
        .on('error', reject)
        .end();
    });
    expect(status).toBe(200);
    // A request that waits a minute for its latency.
    const pending = post(`${simulator.url}/chat/completions`, JSON.stringify(pivotBody)).catch(
      (error: Error) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    // close() must not wait for the minute-long latency: the test's 20 s timeout fails it if it does.
    await simulator.close();
    expect(await pending).toBeInstanceOf(Error);
    await expect(fetch(`${simulator.url}/models`)).rejects.toThrow();
    agent.destroy();
  }, 20_000);
});
