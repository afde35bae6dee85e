import { accumulateDots, dot } from './_dot-kernel.js';
import { simdModuleBytes } from './_simd-module.js';

/** Blocks of dot products between the rows of a left and a right matrix (the same one by default). */
export interface DotBlocks {
  /** Whether the WebAssembly SIMD kernel (float32 sums) is in use rather than the scalar one (Float64). */
  readonly simd: boolean;
  /**
   * Replace the right matrix (e.g. centroids), at most the row count given at creation; when there is
   * no separate right matrix, this replaces the one matrix on both sides.
   */
  setRight(data: Float32Array, rows: number): void;
  /** out[i · jCount + j] = left[iStart + i] · right[jStart + j] for i < iCount, j < jCount. */
  compute(iStart: number, iCount: number, jStart: number, jCount: number, out: Float64Array): void;
}

export interface DotBlocksOptions {
  left: Float32Array;
  leftRows: number;
  /** Default: the left matrix. */
  right?: Float32Array;
  rightRows?: number;
  dims: number;
  /** Largest iCount and jCount that `compute` will be asked for. */
  maxBlockRows: number;
  maxBlockColumns: number;
  /** Use the scalar Float64 kernel even where SIMD is available. */
  float64?: boolean;
}

type Dots2x4 = (a: number, b: number, bRows: number, len: number, out: number, outStride: number) => void;

/** The part of the WebAssembly API used here (typed locally: the Node types in use do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let simdModule: object | null | undefined;

/** The compiled `_simd-module.ts` (`dots2x4`), or null where the runtime lacks WebAssembly SIMD. */
export function loadSimdModule(): object | null {
  if (simdModule === undefined) {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    const bytes = simdModuleBytes();
    simdModule = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  return simdModule;
}

const PAGE = 65536;

/**
 * Dot-product blocks on the fastest kernel available: the WebAssembly SIMD one (`_simd-module.ts`,
 * rows copied once into its memory, padded to a multiple of 4 floats) when the runtime has SIMD and
 * the rows fit in 4 GiB, else the scalar Float64 kernel (`accumulateDots`).
 */
export function createDotBlocks(options: DotBlocksOptions): DotBlocks {
  const module = options.float64 ? null : loadSimdModule();
  const simd = module ? trySimd(module, options) : null;
  return simd ?? scalarBlocks(options);
}

/** The scalar kernel on Float64 copies of each block's rows (exact; O(rows) next to O(rows²) work). */
function scalarBlocks(options: DotBlocksOptions): DotBlocks {
  const { dims, maxBlockRows, maxBlockColumns } = options;
  const shared = options.right === undefined;
  let left = options.left;
  let right = options.right ?? left;
  const leftBlock = new Float64Array(maxBlockRows * dims);
  const rightBlock = new Float64Array(maxBlockColumns * dims);
  return {
    simd: false,
    setRight(data) {
      right = data;
      if (shared) left = data;
    },
    compute(iStart, iCount, jStart, jCount, out) {
      out.fill(0, 0, iCount * jCount);
      for (let k = 0; k < iCount * dims; k++) leftBlock[k] = left[iStart * dims + k]!;
      for (let k = 0; k < jCount * dims; k++) rightBlock[k] = right[jStart * dims + k]!;
      accumulateDots(leftBlock, 0, iCount, rightBlock, 0, jCount, dims, out);
    },
  };
}

function trySimd(module: object, options: DotBlocksOptions): DotBlocks | null {
  const { leftRows, dims, maxBlockRows, maxBlockColumns } = options;
  let left = options.left;
  const shared = options.right === undefined;
  let right = options.right ?? left;
  const rightRows = options.rightRows ?? leftRows;
  const padded = Math.ceil(dims / 4) * 4;
  const rowBytes = padded * 4;
  const leftPointer = 0;
  const rightPointer = shared ? leftPointer : leftRows * rowBytes;
  const outPointer = rightPointer + (shared ? leftRows : rightRows) * rowBytes;
  const totalBytes = outPointer + maxBlockRows * maxBlockColumns * 4;
  if (dims === 0 || totalBytes > 4 * 1024 ** 3 - PAGE) return null;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
  const instance = new wasm.Instance(module, {});
  const memory = instance.exports.memory as WasmMemory;
  const dots = instance.exports.dots2x4 as Dots2x4;
  try {
    memory.grow(Math.ceil(totalBytes / PAGE));
  } catch {
    return null;
  }
  const floats = new Float32Array(memory.buffer);
  const copyRows = (data: Float32Array, rows: number, pointer: number) => {
    const base = pointer / 4;
    if (padded === dims) floats.set(data.subarray(0, rows * dims), base);
    else
      for (let row = 0; row < rows; row++)
        floats.set(data.subarray(row * dims, (row + 1) * dims), base + row * padded);
  };
  copyRows(left, leftRows, leftPointer);
  if (!shared) copyRows(right, rightRows, rightPointer);
  const outBase = outPointer / 4;
  return {
    simd: true,
    setRight(data, rows) {
      right = data;
      if (shared) left = data;
      copyRows(data, rows, rightPointer);
    },
    compute(iStart, iCount, jStart, jCount, out) {
      const pairs = iCount - (iCount % 2);
      const quads = jCount - (jCount % 4);
      if (quads > 0) {
        for (let i = 0; i < pairs; i += 2) {
          dots(
            leftPointer + (iStart + i) * rowBytes,
            rightPointer + jStart * rowBytes,
            quads,
            padded,
            outPointer + i * jCount * 4,
            jCount,
          );
        }
      }
      for (let i = 0; i < iCount; i++) {
        const row = i * jCount;
        const simdColumns = i < pairs ? quads : 0;
        for (let j = 0; j < simdColumns; j++) out[row + j] = floats[outBase + row + j]!;
        for (let j = simdColumns; j < jCount; j++) {
          out[row + j] = dot(left, (iStart + i) * dims, right, (jStart + j) * dims, dims);
        }
      }
    },
  };
}
