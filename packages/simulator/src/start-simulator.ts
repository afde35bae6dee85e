import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '@treesynth/core';
import { createRandom, hash32, parseOptions, sha256, stableStringify } from '@treesynth/core/internal';
import { answerCompletionRequest } from './answer-completion.js';
import {
  type ApiErrorBody,
  answerChatRequest,
  invalidRequest,
  type SimulatorStage,
} from './answer-request.js';
import { loadBenchIndex } from './bench-index.js';
import {
  drawFault,
  FAULT_KINDS,
  type FaultErrorBody,
  faultReply,
  isContentFault,
  planFaults,
  type SimulatorFaultKind,
} from './simulator-faults.js';
import {
  isLoopbackHost,
  type SimulatorOptions,
  type SimulatorRequestRecord,
  simulatorOptionsSchema,
} from './simulator-options.js';

/** Requests counted since the simulator started. */
export interface SimulatorStats {
  /** Every `/chat/completions` and `/completions` request received, valid or not. */
  total: number;
  /** Valid requests by the stage recognised from their schema name (`benchmark`: a shipped benchmark problem). */
  byStage: Record<SimulatorStage, number>;
  /** Chat requests refused with 400. */
  invalid: number;
  /** Valid chat requests answered 200 with the true answer, no fault injected. */
  answered: number;
  /** Valid chat requests that got an injected fault instead, by kind. */
  faults: Record<SimulatorFaultKind, number>;
}

export interface Simulator {
  /** Base URL for an OpenAI client, e.g. `http://127.0.0.1:40123/v1`. */
  url: string;
  port: number;
  stats(): SimulatorStats;
  /** Stops listening and ends every open connection, keep-alive ones included. */
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 32 * 1024 * 1024;

/**
 * Start the simulated LLM: an OpenAI-compatible server on loopback that answers TreeSynth's stage
 * requests from a hidden, seeded latent world per task, and the prompts of the shipped benchmarks
 * (GSM8K, MATH, HumanEval, MBPP) right with chance `benchAccuracy`. Routes: `POST /v1/chat/completions`
 * (and `/chat/completions`), `POST /v1/completions` (and `/completions`), `GET /v1/models`, `GET /stats`.
 */
export async function startSimulator(input: SimulatorOptions = {}): Promise<Simulator> {
  const options = parseOptions(simulatorOptionsSchema, input);
  const { host, seed } = options;
  const faults = planFaults(options.faults, seed);
  const stats: SimulatorStats = {
    total: 0,
    byStage: {
      pivots: 0,
      criterion: 0,
      coverage: 0,
      leaf: 0,
      route: 0,
      benchmark: 0,
      evolve: 0,
      persona: 0,
      answer: 0,
      judge: 0,
      other: 0,
    },
    invalid: 0,
    answered: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<SimulatorFaultKind, number>,
  };
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;
  let sequence = 0;

  /** Wait, or stop waiting early when the client goes away; `close()` cancels every wait. */
  const wait = (milliseconds: number, response: ServerResponse) =>
    new Promise<void>((resolve) => {
      if (milliseconds <= 0 || closing || response.destroyed) return resolve();
      const done = () => {
        clearTimeout(timer);
        timers.delete(timer);
        response.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, milliseconds);
      timers.add(timer);
      response.once('close', done);
    });

  const latencyFor = (body: string): number => {
    const latency = options.latencyMs;
    if (typeof latency === 'number') return latency;
    const draw = createRandom(hash32(`${seed}:latency:${body}`))();
    return latency.min + Math.floor(draw * (Math.max(latency.max, latency.min) - latency.min + 1));
  };

  const respond = async (
    request: IncomingMessage,
    response: ServerResponse,
    endpoint: 'chat' | 'completion',
  ) => {
    const text = await readBody(request);
    stats.total++;
    if (text === undefined) {
      stats.invalid++;
      return sendJson(response, 413, invalidRequest(`the body is larger than ${MAX_BODY_BYTES} bytes`).error);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      stats.invalid++;
      return sendJson(response, 400, invalidRequest('the body is not valid JSON').error);
    }
    // The counter moves only for valid requests: a refused body takes no draw.
    const attempt = sequence;
    const draw = drawFault(faults, attempt);
    const contentFault =
      draw.kind !== undefined && isContentFault(draw.kind)
        ? { kind: draw.kind, random: draw.random }
        : undefined;
    // The shipped benchmark sets are read on the first request that may hold one of their problems.
    const bench = mayBeBenchmark(body, endpoint) ? await loadBenchIndex() : undefined;
    const answered =
      endpoint === 'chat'
        ? answerChatRequest(body, { ...options, bench }, contentFault)
        : answerCompletionRequest(body, { ...options, bench }, contentFault);
    if (answered.status === 400) {
      stats.invalid++;
      return sendJson(response, 400, answered.error);
    }
    const answer = answered;
    sequence++;
    // A content fault that does not apply (malformed JSON asked of a plain-text reply) is no fault.
    const outcome = draw.kind === undefined || (contentFault && !answer.fault) ? 'answered' : draw.kind;
    stats.byStage[answer.stage]++;
    if (outcome === 'answered') stats.answered++;
    else stats.faults[outcome]++;
    options.onRequest?.({
      sequence: attempt,
      stage: answer.stage,
      outcome,
      ...requestKeys(text, body),
    });

    if (outcome === 'hang') {
      await wait(faults.hangMs, response);
      const reply = faultReply(outcome, faults);
      return sendJson(response, reply.status, reply.body, reply.headers);
    }
    await wait(latencyFor(text), response);
    if (outcome === 'answered' || isContentFault(outcome)) return sendJson(response, 200, answer.completion);
    const reply = faultReply(outcome, faults);
    sendJson(response, reply.status, reply.body, reply.headers);
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const route = `${request.method ?? 'GET'} ${path}`;
    let handled: Promise<void> | void;
    switch (route) {
      case 'POST /v1/chat/completions':
      case 'POST /chat/completions':
        handled = respond(request, response, 'chat');
        break;
      case 'POST /v1/completions':
      case 'POST /completions':
        handled = respond(request, response, 'completion');
        break;
      case 'GET /v1/models':
      case 'GET /models':
        handled = sendJson(response, 200, {
          object: 'list',
          data: [{ id: 'simulated', object: 'model', created: 0, owned_by: 'treesynth-simulator' }],
        });
        break;
      case 'GET /stats':
      case 'GET /v1/stats':
        handled = sendJson(response, 200, snapshot(stats));
        break;
      default:
        handled = sendJson(response, 404, {
          error: { message: `no route ${route}`, type: 'not_found_error', param: null, code: null },
        });
    }
    Promise.resolve(handled).catch((error: unknown) => {
      sendJson(response, 500, {
        error: {
          message: `simulator failure: ${String(error)}`,
          type: 'server_error',
          param: null,
          code: null,
        },
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  if (!isLoopbackHost(address.address)) {
    server.close();
    throw new ConfigError({
      path: 'host',
      message: `${host} resolved to ${address.address}, which is not loopback`,
    });
  }
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}/v1`,
    port: address.port,
    stats: () => snapshot(stats),
    close() {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** Whether a request may be a benchmark prompt: any completion, or a chat request without a schema. */
function mayBeBenchmark(body: unknown, endpoint: 'chat' | 'completion'): boolean {
  if (endpoint === 'completion') return true;
  return typeof body === 'object' && body !== null && !('response_format' in body);
}

function snapshot(stats: SimulatorStats): SimulatorStats {
  return { ...stats, byStage: { ...stats.byStage }, faults: { ...stats.faults } };
}

/** The request's keys for the per-request log (see `SimulatorRequestRecord`). */
function requestKeys(
  text: string,
  body: unknown,
): Pick<SimulatorRequestRecord, 'requestKey' | 'conversationKey' | 'repairs'> {
  const request = body as {
    messages?: unknown[];
    model?: unknown;
    temperature?: unknown;
    response_format?: { json_schema?: { name?: unknown } };
  };
  const messages = Array.isArray(request.messages) ? request.messages : [];
  const isAssistant = (message: unknown) => (message as { role?: unknown } | null)?.role === 'assistant';
  const firstAssistant = messages.findIndex(isAssistant);
  const conversation = {
    messages: firstAssistant < 0 ? messages : messages.slice(0, firstAssistant),
    model: request.model ?? null,
    temperature: request.temperature ?? null,
    schema: request.response_format?.json_schema?.name ?? null,
  };
  return {
    requestKey: sha256(text).slice(0, 16),
    conversationKey: sha256(stableStringify(conversation)).slice(0, 16),
    repairs: messages.filter(isAssistant).length,
  };
}

/** The body as text, or `undefined` when it is over the size limit. */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: ApiErrorBody | FaultErrorBody | object,
  headers: Record<string, string> = {},
): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
