import { Worker } from 'node:worker_threads';
import { loadSimdModule } from './_dot-blocks.js';
import { symmetricEigenvaluesSource } from './symmetric-eigen.js';

/**
 * Xᵀ X (upper tiles) of rows added a chunk at a time, on the `dots2x4` kernel of `_simd-module.ts`:
 * the sums of `StreamingVendi` (rows transposed into blocks of `blockRows`, each block's 256 × 256
 * tiles of float32 dot products added into Float64, in the same order), so the same matrix bit for
 * bit. The block is transposed straight into the module's memory. Self-contained, because a worker
 * runs it from its source text: it refers to nothing outside itself but globals.
 */
export function createGramAccumulator(
  module: object,
  dims: number,
  blockRows: number,
): { add(data: Float32Array, count: number): void; finish(): Float64Array } {
  const TILE = 256;
  const wasm = (
    globalThis as unknown as {
      WebAssembly: { Instance: new (m: object, i: object) => { exports: Record<string, unknown> } };
    }
  ).WebAssembly;
  const instance = new wasm.Instance(module, {});
  const memory = instance.exports.memory as { buffer: ArrayBuffer; grow(pages: number): number };
  const dots = instance.exports.dots2x4 as (
    a: number,
    b: number,
    bRows: number,
    len: number,
    out: number,
    outStride: number,
  ) => void;
  const padded = Math.ceil(blockRows / 4) * 4;
  const rowBytes = padded * 4;
  const outPointer = dims * rowBytes;
  const totalBytes = outPointer + TILE * TILE * 4;
  memory.grow(Math.ceil(Math.max(0, totalBytes - memory.buffer.byteLength) / 65536));
  const floats = new Float32Array(memory.buffer);
  const outBase = outPointer / 4;
  const matrix = new Float64Array(dims * dims);
  const tile = new Float64Array(TILE * TILE);
  let filled = 0;

  const flush = () => {
    if (filled === 0) return;
    if (filled < blockRows)
      for (let k = 0; k < dims; k++) floats.fill(0, k * padded + filled, k * padded + blockRows);
    for (let iStart = 0; iStart < dims; iStart += TILE) {
      const iCount = Math.min(TILE, dims - iStart);
      for (let jStart = iStart; jStart < dims; jStart += TILE) {
        const jCount = Math.min(TILE, dims - jStart);
        const pairs = iCount - (iCount % 2);
        const quads = jCount - (jCount % 4);
        if (quads > 0)
          for (let i = 0; i < pairs; i += 2)
            dots(
              (iStart + i) * rowBytes,
              jStart * rowBytes,
              quads,
              padded,
              outPointer + i * jCount * 4,
              jCount,
            );
        for (let i = 0; i < iCount; i++) {
          const row = i * jCount;
          const simdColumns = i < pairs ? quads : 0;
          for (let j = 0; j < simdColumns; j++) tile[row + j] = floats[outBase + row + j]!;
          for (let j = simdColumns; j < jCount; j++) {
            // The scalar remainder: Float64 sums, as `dot` in `_dot-kernel.ts`.
            const a = (iStart + i) * padded;
            const b = (jStart + j) * padded;
            let sum = 0;
            for (let k = 0; k < blockRows; k++) sum += floats[a + k]! * floats[b + k]!;
            tile[row + j] = sum;
          }
        }
        for (let i = 0; i < iCount; i++) {
          const target = (iStart + i) * dims + jStart;
          for (let j = 0; j < jCount; j++) matrix[target + j] = matrix[target + j]! + tile[i * jCount + j]!;
        }
      }
    }
    filled = 0;
  };

  return {
    add(data, count) {
      for (let row = 0; row < count; ) {
        const group = Math.min(8, count - row, blockRows - filled);
        for (let k = 0; k < dims; k++) {
          const target = k * padded + filled;
          for (let r = 0; r < group; r++) floats[target + r] = data[(row + r) * dims + k]!;
        }
        row += group;
        filled += group;
        if (filled === blockRows) flush();
      }
    },
    finish() {
      flush();
      return matrix;
    },
  };
}

type Message =
  | { type: 'start'; module: object; dims: number; blockRows: number }
  | { type: 'add'; buffer: ArrayBuffer; count: number }
  | { type: 'finish'; dims: number }
  | { type: 'close' };

/** The worker's loop; runs inside the worker, so it refers only to its arguments and globals. */
function vendiWorkerMain(
  port: {
    on(event: 'message', listener: (message: unknown) => void): void;
    postMessage(value: unknown, transfer?: unknown[]): void;
    close(): void;
  },
  create: typeof createGramAccumulator,
  eigenvalues: (matrix: Float64Array, size: number) => Float64Array,
): void {
  let accumulator: ReturnType<typeof createGramAccumulator> | undefined;
  port.on('message', (raw) => {
    const message = raw as Message;
    try {
      if (message.type === 'start') accumulator = create(message.module, message.dims, message.blockRows);
      else if (message.type === 'add') {
        accumulator!.add(new Float32Array(message.buffer), message.count);
        port.postMessage({ type: 'added' });
      } else if (message.type === 'close') port.close();
      else {
        // vendiFromDual's steps: the upper tiles mirrored into a full matrix, then its eigenvalues.
        const matrix = accumulator!.finish();
        const size = message.dims;
        for (let i = 0; i < size; i++)
          for (let j = i + 1; j < size; j++) matrix[j * size + i] = matrix[i * size + j]!;
        const values = eigenvalues(matrix, size);
        port.postMessage({ type: 'eigenvalues', values }, [values.buffer]);
        port.close();
      }
    } catch (error) {
      port.postMessage({
        type: 'error',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      port.close();
    }
  });
}

/** The name a function's own text declares (a bundler may rename it and keep `.name`). */
function declaredName(source: string): string {
  const match = /^function\s*([\w$]+)\s*\(/.exec(source);
  if (!match?.[1]) throw new Error(`Vendi worker: cannot read a function name from ${source.slice(0, 60)}`);
  return match[1];
}

/** At most this many chunks wait in the worker's queue (each a copy): memory stays bounded. */
const QUEUED_CHUNKS = 2;

/**
 * The sums of `StreamingVendi` on a worker thread, so they run beside the calling thread's other
 * work (embedding, the nearest-neighbour search): `add` posts a copy of the chunk and returns at once
 * unless `QUEUED_CHUNKS` are already queued; `eigenvalues` resolves with the eigenvalues of Xᵀ X, also
 * computed there: the same numbers as in the calling thread. `close` stops it early (after an error
 * elsewhere).
 */
export class GramWorker {
  private readonly worker: Worker;
  private queued = 0;
  private waiting: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly result: Promise<Float64Array>;

  private constructor(
    module: object,
    private readonly dims: number,
    blockRows: number,
  ) {
    const eigen = symmetricEigenvaluesSource();
    const source = [
      '"use strict";',
      'var __name = (target) => target;',
      createGramAccumulator.toString(),
      eigen.source,
      vendiWorkerMain.toString(),
      `${declaredName(vendiWorkerMain.toString())}(require('node:worker_threads').parentPort, ${declaredName(createGramAccumulator.toString())}, ${eigen.entry});`,
    ].join('\n');
    this.worker = new Worker(source, { eval: true, execArgv: [] });
    this.result = new Promise<Float64Array>((resolve, reject) => {
      const fail = (error: Error) => {
        this.failure ??= error;
        this.waiting?.();
        reject(this.failure);
      };
      this.worker.on('message', (message: { type: string; values?: Float64Array; message?: string }) => {
        if (message.type === 'added') {
          this.queued--;
          this.waiting?.();
        } else if (message.type === 'eigenvalues') resolve(message.values!);
        else fail(new Error(`Vendi worker failed: ${message.message}`));
      });
      this.worker.on('error', fail);
      this.worker.on('exit', (code) =>
        fail(new Error(`Vendi worker exited with code ${code} before its result`)),
      );
    });
    this.result.catch(() => undefined);
    this.worker.postMessage({ type: 'start', module, dims, blockRows } satisfies Message);
  }

  /** A worker for rows of `dims`, or null where WebAssembly SIMD or worker threads are missing. */
  static start(dims: number, blockRows = 1024): GramWorker | null {
    const module = loadSimdModule();
    if (!module || dims === 0) return null;
    try {
      return new GramWorker(module, dims, blockRows);
    } catch {
      return null;
    }
  }

  /** Queues the first `count` rows of `data` (copied); waits while the queue is full. */
  async add(data: Float32Array, count: number, dims: number): Promise<void> {
    while (this.queued >= QUEUED_CHUNKS && !this.failure)
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    if (this.failure) throw this.failure;
    const copy = data.slice(0, count * dims);
    this.queued++;
    this.worker.postMessage({ type: 'add', buffer: copy.buffer, count } satisfies Message, [copy.buffer]);
  }

  /**
   * The eigenvalues (ascending) of Xᵀ X of every row added, as `vendiFromDual` computes them, for
   * `vendiFromEigenvalues`; the worker exits after.
   */
  eigenvalues(): Promise<Float64Array> {
    this.worker.postMessage({ type: 'finish', dims: this.dims } satisfies Message);
    return this.result;
  }

  /** Ends the worker without a result, once it has finished what it was sent. */
  close(): void {
    this.worker.postMessage({ type: 'close' } satisfies Message);
    this.worker.unref();
  }
}
