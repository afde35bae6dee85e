import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiCallError,
  BUILTIN_TASKS,
  type ChatMessage,
  ConfigError,
  parseTask,
  STAGE_SCHEMA_NAMES,
} from '@treesynth/core';
import {
  coveragePrompt,
  coverageSchema,
  criterionPrompt,
  criterionSchema,
  extractJson,
  leafPrompt,
  samplesSchema,
  toJsonSchema,
} from '@treesynth/core/internal';
import { createOpenAICompatible } from '@treesynth/providers';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { answerChatRequest, type ChatCompletion } from './answer-request.js';
import {
  type ContentFaultKind,
  corruptContent,
  DEFAULT_HANG_MS,
  drawFault,
  FAULT_KINDS,
  planFaults,
  type SimulatorFaultKind,
  type SimulatorFaults,
} from './simulator-faults.js';
import type { SimulatorRequestRecord } from './simulator-options.js';
import { startSimulator } from './start-simulator.js';

const task = parseTask(BUILTIN_TASKS.gsm8k);
const path = [{ dimension: 'setting', value: 'farm' }];

function stageBody(stage: 'leaf' | 'criterion' | 'coverage', messages: ChatMessage[], seed = 1) {
  const schema =
    stage === 'criterion' ? criterionSchema : stage === 'coverage' ? coverageSchema : samplesSchema(task);
  return {
    model: 'sim',
    seed,
    temperature: 1,
    messages,
    response_format: {
      type: 'json_schema',
      json_schema: { name: STAGE_SCHEMA_NAMES[stage], schema: toJsonSchema(schema), strict: true },
    },
  };
}

const leafBody = stageBody('leaf', leafPrompt({ task, path, count: 5, temperature: 1, callKey: 'l' }));
const stageAnswers: { name: string; body: object; schema: z.ZodType }[] = [
  { name: 'leaf', body: leafBody, schema: samplesSchema(task) },
  {
    name: 'criterion',
    body: stageBody(
      'criterion',
      criterionPrompt({
        task,
        path,
        pivots: [{ question: 'a' }, { question: 'b' }, { question: 'c' }],
        usedDimensions: ['setting'],
        attempt: 0,
        temperature: 1,
        callKey: 'c',
      }),
    ),
    schema: criterionSchema,
  },
  {
    name: 'coverage',
    body: stageBody(
      'coverage',
      coveragePrompt({
        task,
        path,
        dimension: 'main operation',
        values: ['addition', 'division'],
        round: 0,
        temperature: 0.7,
        callKey: 'v',
      }),
    ),
    schema: coverageSchema,
  },
];

function contentOf(body: object): string {
  const answer = answerChatRequest(body);
  if (answer.status !== 200) throw new Error(answer.error.error.message);
  return answer.completion.choices[0]!.message.content;
}

function post(url: string, body: object | string): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const ALL_RATES: SimulatorFaults = {
  rate429: 0.05,
  rate500: 0.05,
  rate503: 0.05,
  rateHang: 0.01,
  rateTruncated: 0.02,
  rateMalformed: 0.02,
  rateSchemaViolation: 0.03,
};
const RATE_OF: Record<SimulatorFaultKind, number> = {
  rateLimit: 0.05,
  serverError: 0.05,
  unavailable: 0.05,
  hang: 0.01,
  truncated: 0.02,
  malformed: 0.02,
  schemaViolation: 0.03,
};

function countDraws(faults: SimulatorFaults, draws: number): Record<SimulatorFaultKind | 'none', number> {
  const plan = planFaults(faults);
  const counts = Object.fromEntries([...FAULT_KINDS, 'none'].map((kind) => [kind, 0])) as Record<
    SimulatorFaultKind | 'none',
    number
  >;
  for (let sequence = 0; sequence < draws; sequence++) counts[drawFault(plan, sequence).kind ?? 'none']++;
  return counts;
}

describe('fault draws', () => {
  it('honour every rate over 2000 draws, for several seeds', () => {
    const draws = 2000;
    for (const seed of [0, 1, 42]) {
      const counts = countDraws({ ...ALL_RATES, seed }, draws);
      for (const kind of FAULT_KINDS) {
        const expected = RATE_OF[kind] * draws;
        // Four standard deviations of the binomial count: a fixed seed never flakes, and a biased draw fails.
        const tolerance = 4 * Math.sqrt(expected * (1 - RATE_OF[kind])) + 1;
        expect(Math.abs(counts[kind] - expected), `${kind} with seed ${seed}: ${counts[kind]}`).toBeLessThan(
          tolerance,
        );
      }
      const faultRate = 1 - counts.none / draws;
      expect(faultRate).toBeGreaterThan(0.2);
      expect(faultRate).toBeLessThan(0.26);
    }
  });

  it('are a pure function of the fault seed and the counter', () => {
    const plan = planFaults({ ...ALL_RATES, seed: 7 });
    const sequence = (target: typeof plan) =>
      Array.from({ length: 500 }, (_, index) => drawFault(target, index).kind ?? '-');
    expect(sequence(plan)).toEqual(sequence(planFaults({ ...ALL_RATES, seed: 7 })));
    expect(sequence(plan)).not.toEqual(sequence(planFaults({ ...ALL_RATES, seed: 8 })));
    // The fault seed defaults to the simulator seed.
    expect(sequence(planFaults(ALL_RATES, 7))).toEqual(sequence(plan));
    // Draws for details (cut position, variant) are reproducible too.
    expect(drawFault(plan, 3).random()).toBe(drawFault(plan, 3).random());
  });

  it('draw nothing with no rates, and everything with a rate of 1', () => {
    expect(countDraws({}, 200).none).toBe(200);
    expect(countDraws({ rate503: 1 }, 200).unavailable).toBe(200);
  });

  it('refuse rates outside [0, 1] or adding up to more than 1, naming the field', () => {
    const fails = (faults: SimulatorFaults, pattern: RegExp) => {
      let caught: unknown;
      try {
        planFaults(faults);
      } catch (error) {
        caught = error;
      }
      expect(ConfigError.isInstance(caught)).toBe(true);
      expect((caught as Error).message).toMatch(pattern);
    };
    fails({ rate429: 1.5 }, /^faults\.rate429: /);
    fails({ rateHang: -0.1 }, /^faults\.rateHang: /);
    fails({ rate500: 0.6, rate503: 0.6 }, /^faults: .*add up to 1\.2/);
    fails({ retryAfterSeconds: -1 }, /^faults\.retryAfterSeconds: /);
    fails({ hangMs: Number.NaN }, /^faults\.hangMs: /);
    expect(planFaults({}).hangMs).toBe(DEFAULT_HANG_MS);
    expect(planFaults({}).retryAfterSeconds).toBe(1);
  });
});

describe('corrupted content', () => {
  const kinds: ContentFaultKind[] = ['truncated', 'malformed', 'schemaViolation'];
  for (const { name, body, schema } of stageAnswers) {
    it(`makes every ${name} answer unusable, the way its kind says`, () => {
      const content = contentOf(body);
      expect(schema.safeParse(JSON.parse(content)).success).toBe(true);
      for (const kind of kinds) {
        for (let sequence = 0; sequence < 40; sequence++) {
          const broken = corruptContent(content, kind, drawFault(planFaults({}), sequence).random);
          expect(broken).not.toBe(content);
          // Not even the product's tolerant parser recovers a valid answer from it.
          expect(schema.safeParse(extractJson(broken)).success, `${kind}: ${broken}`).toBe(false);
          if (kind === 'schemaViolation') expect(() => JSON.parse(broken)).not.toThrow();
          else expect(() => JSON.parse(broken)).toThrow();
          if (kind === 'truncated') {
            expect(content.startsWith(broken)).toBe(true);
            expect(broken.length).toBeGreaterThan(content.length / 3 - 1);
            expect(broken.length).toBeLessThan((content.length * 2) / 3 + 1);
          }
        }
      }
    });
  }

  it('is applied by answerChatRequest to structured answers, with usage and finish reason to match', () => {
    const clean = answerChatRequest(leafBody);
    const cut = answerChatRequest(leafBody, {}, { kind: 'truncated', random: () => 0.5 });
    if (clean.status !== 200 || cut.status !== 200) throw new Error('expected answers');
    expect(cut.fault).toBe('truncated');
    expect(clean.fault).toBeUndefined();
    const choice = cut.completion.choices[0]!;
    expect(choice.finish_reason).toBe('length');
    expect(cut.completion.usage.completion_tokens).toBe(Math.ceil(choice.message.content.length / 4));
    expect(cut.completion.usage.completion_tokens).toBeLessThan(clean.completion.usage.completion_tokens);
    // The clean answer is unchanged by a fault elsewhere: still the same bytes.
    expect(JSON.stringify(answerChatRequest(leafBody))).toBe(JSON.stringify(clean));
  });

  it('leaves plain-text replies alone except for truncation', () => {
    const plain = { model: 'sim', messages: [{ role: 'user', content: 'hello' }] };
    const malformed = answerChatRequest(plain, {}, { kind: 'malformed', random: () => 0.5 });
    expect(malformed.status === 200 ? malformed.fault : 'refused').toBeUndefined();
    expect(JSON.stringify(malformed)).toBe(JSON.stringify(answerChatRequest(plain)));
    const cut = answerChatRequest(plain, {}, { kind: 'truncated', random: () => 0.5 });
    expect(cut.status === 200 && cut.fault).toBe('truncated');
  });
});

describe('faults over HTTP', () => {
  it('sends a 429 with Retry-After and an OpenAI-style body, read as retryable by the chat model', async () => {
    const simulator = await startSimulator({ faults: { rate429: 1, retryAfterSeconds: 3 } });
    try {
      const response = await post(simulator.url, leafBody);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('3');
      const body = (await response.json()) as { error: { type: string; code: string; message: string } };
      expect(body.error).toMatchObject({ type: 'requests', code: 'rate_limit_exceeded', param: null });
      expect(body.error.message).toMatch(/simulated/);

      const model = createOpenAICompatible({ baseURL: simulator.url, apiKey: 'test' }).chat('sim');
      const error = await model
        .doGenerate({ messages: [{ role: 'user', content: 'hello' }] })
        .catch((caught: unknown) => caught);
      expect(ApiCallError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterSeconds: 3 });
    } finally {
      await simulator.close();
    }
  });

  it('sends 500 and 503 with OpenAI-style error bodies', async () => {
    for (const [faults, status] of [
      [{ rate500: 1 }, 500],
      [{ rate503: 1 }, 503],
    ] as const) {
      const simulator = await startSimulator({ faults });
      try {
        const response = await post(simulator.url, leafBody);
        expect(response.status).toBe(status);
        const body = (await response.json()) as { error: { type: string; message: string } };
        expect(body.error.type).toBe('server_error');
        expect(body.error.message).toMatch(/simulated fault/);
        expect(simulator.stats().faults[status === 500 ? 'serverError' : 'unavailable']).toBe(1);
      } finally {
        await simulator.close();
      }
    }
  });

  it('draws afresh for every attempt, with or without a request log', async () => {
    const simulator = await startSimulator({ faults: { rate500: 0.5, seed: 3 } });
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 40; attempt++) {
        const response = await post(simulator.url, leafBody);
        await response.body?.cancel();
        statuses.push(response.status);
      }
      const plan = planFaults({ rate500: 0.5, seed: 3 });
      const expected = statuses.map((_, index) => (drawFault(plan, index).kind ? 500 : 200));
      expect(statuses).toEqual(expected);
      expect(new Set(statuses)).toEqual(new Set([200, 500]));
    } finally {
      await simulator.close();
    }
  });

  it('answers a retried request with the same bytes as a simulator without faults', async () => {
    const clean = await startSimulator({ seed: 4 });
    const records: SimulatorRequestRecord[] = [];
    const faulty = await startSimulator({
      seed: 4,
      faults: { rate500: 0.3, rate503: 0.2, rateMalformed: 0.2, seed: 11 },
      onRequest: (record) => records.push(record),
    });
    try {
      const expected = await (await post(clean.url, leafBody)).text();
      const outcomes: number[] = [];
      let text = '';
      for (let attempt = 0; attempt < 50; attempt++) {
        const response = await post(faulty.url, leafBody);
        text = await response.text();
        outcomes.push(response.status);
        if (response.status === 200 && text === expected) break;
      }
      expect(text).toBe(expected);
      expect(outcomes.length).toBeGreaterThan(1);
      // One call, many attempts: every record carries the same request key.
      expect(new Set(records.map((record) => record.requestKey)).size).toBe(1);
      expect(records.map((record) => record.sequence)).toEqual(records.map((_, index) => index));
      const stats = faulty.stats();
      expect(stats.answered).toBe(1);
      const faults = Object.values(stats.faults).reduce((sum, count) => sum + count, 0);
      expect(stats.total).toBe(stats.answered + stats.invalid + faults);
      expect(faults).toBe(outcomes.length - 1);
      const fromHttp = (await (await fetch(faulty.url.replace(/\/v1$/, '/stats'))).json()) as unknown;
      expect(fromHttp).toEqual(stats);
    } finally {
      await clean.close();
      await faulty.close();
    }
  });

  it('logs requests so that retries and repairs of one call can be told apart', async () => {
    const records: SimulatorRequestRecord[] = [];
    const simulator = await startSimulator({ onRequest: (record) => records.push(record) });
    try {
      const repair = {
        ...leafBody,
        seed: 2,
        messages: [
          ...leafBody.messages,
          { role: 'assistant', content: '{"samples": [' },
          { role: 'user', content: 'That reply could not be used.' },
        ],
      };
      await (await post(simulator.url, leafBody)).text();
      // Refused bodies take no place in the sequence.
      await (await post(simulator.url, '{"model": ')).text();
      await (await post(simulator.url, { model: 'm', messages: [] })).text();
      for (const body of [leafBody, repair]) await (await post(simulator.url, body)).text();
      expect(records).toHaveLength(3);
      expect(records[0]!.requestKey).toBe(records[1]!.requestKey);
      expect(records[2]!.requestKey).not.toBe(records[0]!.requestKey);
      expect(records[2]!.conversationKey).toBe(records[0]!.conversationKey);
      expect(records.map((record) => record.repairs)).toEqual([0, 0, 1]);
      expect(records.map((record) => record.sequence)).toEqual([0, 1, 2]);
      expect(records.every((record) => record.outcome === 'answered' && record.stage === 'leaf')).toBe(true);
      expect(simulator.stats()).toMatchObject({ total: 5, invalid: 2, answered: 3 });
    } finally {
      await simulator.close();
    }
  });

  it('serves content faults as 200s that the structured-output parser rejects', async () => {
    const simulator = await startSimulator({ faults: { rateTruncated: 0.5, rateSchemaViolation: 0.5 } });
    try {
      for (let index = 0; index < 10; index++) {
        const response = await post(simulator.url, { ...leafBody, seed: index });
        expect(response.status).toBe(200);
        const completion = (await response.json()) as ChatCompletion;
        const content = completion.choices[0]!.message.content;
        expect(samplesSchema(task).safeParse(extractJson(content)).success).toBe(false);
      }
      const { faults, answered } = simulator.stats();
      expect(answered).toBe(0);
      expect(faults.truncated + faults.schemaViolation).toBe(10);
    } finally {
      await simulator.close();
    }
  });

  it('holds a hung request past the client timeout, yet close() ends it at once', async () => {
    let hanging = () => {};
    const inFlight = new Promise<void>((resolve) => {
      hanging = resolve;
    });
    const simulator = await startSimulator({
      faults: { rateHang: 1 },
      onRequest: (record) => record.outcome === 'hang' && hanging(),
    });
    const pending = post(simulator.url, leafBody).catch((error: Error) => error);
    await inFlight;
    expect(simulator.stats().faults.hang).toBe(1);
    // The hang lasts ten minutes by default; the test's 20 s timeout fails a close() that waits for it.
    await simulator.close();
    expect(await pending).toBeInstanceOf(Error);
  }, 20_000);

  it('ends a short hang with a 504; a long one meets the client timeout as a retryable error', async () => {
    const short = await startSimulator({ faults: { rateHang: 1, hangMs: 50 } });
    const long = await startSimulator({ faults: { rateHang: 1, hangMs: 60_000 } });
    try {
      const response = await post(short.url, leafBody);
      expect(response.status).toBe(504);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('timeout');
      const model = createOpenAICompatible({ baseURL: long.url, apiKey: 'test' }).chat('sim', {
        timeoutMs: 200,
      });
      // The hang lasts a minute; the test's 20 s timeout fails a client timeout that does not fire.
      const error = await model
        .doGenerate({ messages: [{ role: 'user', content: 'x' }] })
        .catch((caught: unknown) => caught);
      expect(ApiCallError.isInstance(error) && error.isRetryable).toBe(true);
      expect((error as Error).message).toMatch(/timed out/);
      expect(long.stats().faults.hang).toBe(1);
    } finally {
      await short.close();
      await long.close();
    }
  }, 20_000);

  it('does not keep the process alive after close() with a 10-minute hang in flight', async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const script = join(mkdtempSync(join(tmpdir(), 'treesynth-hang-')), 'hang.mts');
    writeFileSync(
      script,
      [
        `import { startSimulator } from ${JSON.stringify(join(here, 'start-simulator.ts'))};`,
        // Close only once the hang is in flight: the simulator has drawn it and holds the response.
        'let hanging;',
        'const inFlight = new Promise((resolve) => { hanging = resolve; });',
        "const simulator = await startSimulator({ faults: { rateHang: 1 }, onRequest: (record) => { if (record.outcome === 'hang') hanging(); } });",
        `const pending = fetch(simulator.url + '/chat/completions', { method: 'POST', body: ${JSON.stringify(JSON.stringify(leafBody))} }).catch(() => 'cancelled');`,
        'await inFlight;',
        'await simulator.close();',
        'console.log(simulator.stats().faults.hang, await pending);',
      ].join('\n'),
    );
    const child = spawn(process.execPath, ['--conditions=@treesynth/source', '--import', 'tsx', script], {
      cwd: here,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // A child still alive after 20 s (the hang is ten minutes) is killed, and its exit code fails the test.
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('close', (exit) => {
        clearTimeout(timer);
        resolve(exit);
      });
    });
    expect(code, output).toBe(0);
    expect(output.trim()).toBe('1 cancelled');
  }, 30_000);
});
