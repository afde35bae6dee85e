import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError, createRandom, hash32 } from '@treesynth/core';
import {
  type AnswerOptions,
  type ApiErrorBody,
  answerChatRequest,
  invalidRequest,
  type SimulatorStage,
} from './answer-request.js';

export interface SimulatorOptions extends AnswerOptions {
  /** Port on the loopback address; 0 picks a free one. Default 0. */
  port?: number;
  /** A loopback address; anything else is refused. Default `127.0.0.1`. */
  host?: string;
  /** Delay before each answer: fixed, or drawn per request (deterministically) from a range. */
  latencyMs?: number | { min: number; max: number };
}

/** Requests counted since the simulator started. */
export interface SimulatorStats {
  /** Every `/chat/completions` request received, valid or not. */
  total: number;
  /** Valid chat requests by the stage recognised from their schema name. */
  byStage: Record<SimulatorStage, number>;
  /** Chat requests refused with 400. */
  invalid: number;
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

/** Whether a host name or address is on loopback. */
export function isLoopbackHost(host: string): boolean {
  return (
    host === 'localhost' ||
    host === '::1' ||
    /^127(\.\d{1,3}){3}$/.test(host) ||
    /^::ffff:127(\.\d{1,3}){3}$/.test(host)
  );
}

/**
 * Start the simulated LLM: an OpenAI-compatible server on loopback that answers TreeSynth's stage
 * requests from a hidden, seeded latent world per task. Routes: `POST /v1/chat/completions`
 * (and `/chat/completions`), `GET /v1/models`, `GET /stats`.
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new ConfigError({
      path: 'host',
      message: `the simulator only listens on loopback, not on ${host}`,
    });
  }
  const seed = options.seed ?? 0;
  const stats: SimulatorStats = {
    total: 0,
    byStage: { pivots: 0, criterion: 0, coverage: 0, leaf: 0, other: 0 },
    invalid: 0,
  };
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const wait = (milliseconds: number) =>
    new Promise<void>((resolve) => {
      if (milliseconds <= 0 || closing) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, milliseconds);
      timers.add(timer);
    });

  const latencyFor = (body: string): number => {
    const latency = options.latencyMs ?? 0;
    if (typeof latency === 'number') return latency;
    const draw = createRandom(hash32(`${seed}:latency:${body}`))();
    return latency.min + Math.floor(draw * (Math.max(latency.max, latency.min) - latency.min + 1));
  };

  const answerChat = async (request: IncomingMessage, response: ServerResponse) => {
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
    const answer = answerChatRequest(body, options);
    if (answer.status === 400) {
      stats.invalid++;
      return sendJson(response, 400, answer.error);
    }
    stats.byStage[answer.stage]++;
    await wait(latencyFor(text));
    sendJson(response, 200, answer.completion);
  };

  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!.replace(/\/+$/, '');
    const route = `${request.method ?? 'GET'} ${path}`;
    let handled: Promise<void> | void;
    switch (route) {
      case 'POST /v1/chat/completions':
      case 'POST /chat/completions':
        handled = answerChat(request, response);
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
    server.listen({ host, port: options.port ?? 0 }, () => {
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

function snapshot(stats: SimulatorStats): SimulatorStats {
  return { ...stats, byStage: { ...stats.byStage } };
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

function sendJson(response: ServerResponse, status: number, body: ApiErrorBody | object): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
