/**
 * Provider throughput benchmark: calls per second that the OpenAI-compatible chat model achieves
 * against the simulator (in its own process) with a fixed latency, at several concurrency levels, as a
 * ratio to the ideal `concurrency / latency`. Small plain requests (one user message, no
 * response_format), a fixed number of calls per level: max(50, 4 x concurrency), after a warm-up
 * round that opens the connections.
 *
 * Each level is measured three ways, to tell where time goes:
 *   model   `createOpenAICompatible(...).chat(id).doGenerate` (the OpenAI SDK on Node's fetch, whose
 *           default undici pool has no limit on connections per origin)
 *   pooled  the same model with a `fetch` whose undici Agent keeps at most `concurrency` connections
 *           per origin (no sockets opened beyond the calls in flight, so none churn)
 *   fetch   the same request with bare `fetch`: the SDK's and the model's overhead is the difference
 * with the client's event-loop utilisation (ELU) and CPU (share of one core) during the model's run:
 * an ELU near 1 means the client's single thread is the bottleneck. Then, once, the ceiling of
 * simulator plus client at zero latency.
 *
 * Usage: node --conditions=@treesynth/source --import tsx benchmarks/providers/throughput.ts
 *          [--latency-ms 100] [--levels 1,8,64,256] [--seed 0]
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { ChatCallOptions } from '@treesynth/core';
import { createOpenAICompatible } from '@treesynth/providers';
import { startSimulatorProcess } from '../simulator-process.js';

const { values } = parseArgs({
  options: {
    'latency-ms': { type: 'string', default: '100' },
    levels: { type: 'string', default: '1,8,64,256' },
    seed: { type: 'string', default: '0' },
  },
});
const latencyMs = Number(values['latency-ms']);
const levels = String(values.levels).split(',').map(Number);
const seed = Number(values.seed);

/** Run `total` tasks with at most `concurrency` in flight; returns each task's milliseconds. */
async function runPool(total: number, concurrency: number, task: (index: number) => Promise<unknown>) {
  const durations: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const index = next++;
        const started = performance.now();
        await task(index);
        durations.push(performance.now() - started);
      }
    }),
  );
  return durations;
}

interface Measurement {
  callsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  /** Share of one core this process used. */
  clientCpu: number;
  /** Event-loop utilisation of this process: 1 when its thread never waited for I/O. */
  clientElu: number;
}

async function measure(
  total: number,
  concurrency: number,
  task: (index: number) => Promise<unknown>,
): Promise<Measurement> {
  await runPool(concurrency, concurrency, task);
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  const started = performance.now();
  const durations = await runPool(total, concurrency, task);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const loop = performance.eventLoopUtilization(elu);
  durations.sort((a, b) => a - b);
  return {
    callsPerSecond: total / (wallMs / 1000),
    p50Ms: durations[Math.floor(durations.length * 0.5)] ?? 0,
    p95Ms: durations[Math.floor(durations.length * 0.95)] ?? 0,
    clientCpu: (used.user + used.system) / 1000 / wallMs,
    clientElu: loop.utilization,
  };
}

/**
 * Node 20 bundles undici but does not export it, and this workspace does not depend on the `undici`
 * package: the benchmark borrows the class of Node's global dispatcher (created by the first fetch).
 * Product code that wants this should depend on `undici` and pass `fetch` with its `Agent`.
 */
async function pooledFetch(baseURL: string, connections: number): Promise<typeof fetch | undefined> {
  await fetch(`${baseURL}/models`).then((response) => response.text());
  const Agent = (globalThis as Record<symbol, { constructor: new (options: object) => object } | undefined>)[
    Symbol.for('undici.globalDispatcher.1')
  ]?.constructor;
  if (!Agent) return undefined;
  const dispatcher = new Agent({ connections });
  return (input, init) => fetch(input, { ...init, dispatcher } as RequestInit);
}

function requester(baseURL: string, customFetch?: typeof fetch) {
  const model = createOpenAICompatible({ baseURL, fetch: customFetch }).chat('simulated');
  const message = (index: number): ChatCallOptions => ({
    messages: [{ role: 'user', content: `Say hello to caller ${index}.` }],
    maxTokens: 16,
  });
  return {
    model: (index: number) => model.doGenerate(message(index)),
    fetch: async (index: number) => {
      const response = await fetch(`${baseURL}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer no-key-required' },
        body: JSON.stringify({ model: 'simulated', max_tokens: 16, ...message(index), stream: false }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.json();
    },
  };
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);

const simulator = await startSimulatorProcess({ seed, latencyMs });
const instant = await startSimulatorProcess({ seed, latencyMs: 0 });
try {
  console.log(
    `OpenAI-compatible model vs the simulator (own process), latency ${latencyMs} ms, node ${process.version}, ${availableParallelism()} CPUs`,
  );
  const rows: string[][] = [
    [
      'concurrency',
      'calls',
      'ideal/s',
      'model/s',
      'ratio',
      'p50 ms',
      'p95 ms',
      'ELU',
      'CPU',
      'pooled/s',
      'ratio',
      'fetch/s',
      'ratio',
    ],
  ];
  const slow = requester(simulator.url);
  for (const concurrency of levels) {
    const total = Math.max(50, 4 * concurrency);
    const ideal = concurrency / (latencyMs / 1000);
    const model = await measure(total, concurrency, slow.model);
    const pooled = await measure(
      total,
      concurrency,
      requester(simulator.url, await pooledFetch(simulator.url, concurrency)).model,
    );
    const bare = await measure(total, concurrency, slow.fetch);
    rows.push([
      String(concurrency),
      String(total),
      fixed(ideal),
      fixed(model.callsPerSecond),
      fixed(model.callsPerSecond / ideal, 2),
      fixed(model.p50Ms),
      fixed(model.p95Ms),
      fixed(model.clientElu, 2),
      `${fixed(model.clientCpu * 100)}%`,
      fixed(pooled.callsPerSecond),
      fixed(pooled.callsPerSecond / ideal, 2),
      fixed(bare.callsPerSecond),
      fixed(bare.callsPerSecond / ideal, 2),
    ]);
  }
  printTable(rows);

  const fast = requester(instant.url);
  const ceilingModel = await measure(2000, 64, fast.model);
  const ceilingFetch = await measure(2000, 64, fast.fetch);
  console.log(
    `\nceiling at 0 ms latency, concurrency 64: model ${fixed(ceilingModel.callsPerSecond)}/s ` +
      `(ELU ${fixed(ceilingModel.clientElu, 2)}, ${fixed((ceilingModel.clientCpu * 1000) / ceilingModel.callsPerSecond, 2)} ms CPU a call), ` +
      `bare fetch ${fixed(ceilingFetch.callsPerSecond)}/s ` +
      `(ELU ${fixed(ceilingFetch.clientElu, 2)}, ${fixed((ceilingFetch.clientCpu * 1000) / ceilingFetch.callsPerSecond, 2)} ms CPU a call)`,
  );
} finally {
  await Promise.all([simulator.close(), instant.close()]);
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padStart(widths[column]!)).join('  '));
}
