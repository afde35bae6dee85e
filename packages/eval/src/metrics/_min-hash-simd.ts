import { name, section, signed, unsigned, vector } from './_simd-module.js';

/**
 * MinHash signatures on WebAssembly SIMD, assembled here from its instructions like `_simd-module.ts`:
 *
 *   minHash16(shingles, count, seeds, groups, out)
 *
 * For `count` 32-bit shingles at byte address `shingles` and 16·`groups` seeds at `seeds`, writes
 * out[p] = min over the shingles of mix32(shingle ⊕ seed[p]) (murmur3's finaliser, unsigned minimum):
 * the same values as `minHashSignature`, four permutations per i32x4 lane group and four groups at a
 * time so their multiplies overlap. An empty set leaves 0xffffffff everywhere, as the scalar one does.
 */

const I32 = 0x7f;
const V128 = 0x7b;
const get = (index: number) => [0x20, ...unsigned(index)];
const set = (index: number) => [0x21, ...unsigned(index)];
const tee = (index: number) => [0x22, ...unsigned(index)];
const i32Const = (value: number) => [0x41, ...signed(value)];
const I32_ADD = [0x6a];
const I32_SHL = [0x74];
const I32_LT_U = [0x49];
const I32_EQZ = [0x45];
const I32_LOAD = [0x28, 2, 0];
const simd = (opcode: number, ...immediates: number[]) => [0xfd, ...unsigned(opcode), ...immediates];
const v128Load = (offset: number) => simd(0x00, 4, ...unsigned(offset));
const v128Store = (offset: number) => simd(0x0b, 4, ...unsigned(offset));
const V128_ONES = simd(0x0c, ...new Array<number>(16).fill(0xff));
const I32X4_SPLAT = simd(0x11);
const V128_XOR = simd(0x51);
const I32X4_SHR_U = simd(0xad);
const I32X4_MUL = simd(0xb5);
const I32X4_MIN_U = simd(0xb7);
const BLOCK = [0x02, 0x40];
const LOOP = [0x03, 0x40];
const END = [0x0b];
const brIf = (depth: number) => [0x0d, ...unsigned(depth)];

// Parameters and locals.
const SHINGLES = 0;
const COUNT = 1;
const SEEDS = 2;
const GROUPS = 3;
const OUT = 4;
const GROUP = 5;
const AT = 6;
const END_AT = 7;
const SEED_AT = 8;
const OUT_AT = 9;
const C1 = 10;
const C2 = 11;
const VALUE = 12;
const SEED = [13, 14, 15, 16];
const LEAST = [17, 18, 19, 20];
const X = [21, 22, 23, 24];

function minHash16Body(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) code.push(...part);
  };
  emit(i32Const(0x85ebca6b | 0), I32X4_SPLAT, set(C1), i32Const(0xc2b2ae35 | 0), I32X4_SPLAT, set(C2));
  emit(get(SHINGLES), get(COUNT), i32Const(2), I32_SHL, I32_ADD, set(END_AT));
  emit(i32Const(0), set(GROUP), get(SEEDS), set(SEED_AT), get(OUT), set(OUT_AT));
  emit(BLOCK, get(GROUPS), I32_EQZ, brIf(0));
  emit(LOOP); // over groups of 16 permutations
  for (let lane = 0; lane < 4; lane++)
    emit(get(SEED_AT), v128Load(16 * lane), set(SEED[lane]!), V128_ONES, set(LEAST[lane]!));
  emit(get(SHINGLES), set(AT));
  emit(BLOCK, get(AT), get(END_AT), I32_LT_U, I32_EQZ, brIf(0));
  emit(LOOP); // over the shingles
  emit(get(AT), I32_LOAD, I32X4_SPLAT, set(VALUE));
  for (let lane = 0; lane < 4; lane++) emit(get(VALUE), get(SEED[lane]!), V128_XOR, set(X[lane]!));
  const xorShift = (shift: number) => {
    for (const x of X) emit(get(x), get(x), i32Const(shift), I32X4_SHR_U, V128_XOR, set(x));
  };
  const multiply = (constant: number) => {
    for (const x of X) emit(get(x), get(constant), I32X4_MUL, set(x));
  };
  xorShift(16);
  multiply(C1);
  xorShift(13);
  multiply(C2);
  xorShift(16);
  for (let lane = 0; lane < 4; lane++) emit(get(LEAST[lane]!), get(X[lane]!), I32X4_MIN_U, set(LEAST[lane]!));
  emit(get(AT), i32Const(4), I32_ADD, tee(AT), get(END_AT), I32_LT_U, brIf(0), END);
  emit(END);
  for (let lane = 0; lane < 4; lane++) emit(get(OUT_AT), get(LEAST[lane]!), v128Store(16 * lane));
  emit(get(SEED_AT), i32Const(64), I32_ADD, set(SEED_AT), get(OUT_AT), i32Const(64), I32_ADD, set(OUT_AT));
  emit(get(GROUP), i32Const(1), I32_ADD, tee(GROUP), get(GROUPS), I32_LT_U, brIf(0), END);
  emit(END); // the block
  emit(END); // the function
  return code;
}

export function minHashModuleBytes(): Uint8Array<ArrayBuffer> {
  const locals = vector([
    [...unsigned(5), I32],
    [...unsigned(15), V128],
  ]);
  const body = [...locals, ...minHash16Body()];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector(new Array(5).fill([I32])), ...vector([])]])),
    ...section(3, vector([unsigned(0)])),
    ...section(5, vector([[0x00, ...unsigned(1)]])),
    ...section(
      7,
      vector([
        [...name('minHash16'), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vector([[...unsigned(body.length), ...body]])),
  ];
  return new Uint8Array(bytes);
}

/** The part of the WebAssembly API used here (typed locally: the Node types in use do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

let compiled: object | null | undefined;

const PAGE = 65536;

/** Signs one shingle set at a time into `out[offset, offset + seeds.length)`. */
export type MinHashSigner = (shingles: Uint32Array, out: Uint32Array, offset: number) => void;

/**
 * A signer on the SIMD module for these seeds, or null where the runtime lacks WebAssembly SIMD (the
 * caller then uses `minHashSignature`). Seeds are padded to a multiple of 16; the padding's minima
 * are computed and dropped.
 */
export function createSimdMinHash(seeds: Uint32Array): MinHashSigner | null {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (compiled === undefined) {
    const bytes = minHashModuleBytes();
    compiled = wasm?.validate(bytes) ? new wasm.Module(bytes) : null;
  }
  if (!compiled || !wasm) return null;
  const instance = new wasm.Instance(compiled, {});
  const memory = instance.exports.memory as WasmMemory;
  const minHash16 = instance.exports.minHash16 as (
    shingles: number,
    count: number,
    seeds: number,
    groups: number,
    out: number,
  ) => void;
  const groups = Math.ceil(seeds.length / 16);
  const seedBytes = groups * 64;
  const outPointer = seedBytes;
  const shinglePointer = 2 * seedBytes;
  let capacity = 0;
  let words = new Uint32Array(memory.buffer);
  const ensure = (shingles: number) => {
    const bytes = shinglePointer + shingles * 4;
    if (bytes <= capacity) return;
    const pages = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
    if (pages > 0) memory.grow(pages);
    capacity = memory.buffer.byteLength;
    words = new Uint32Array(memory.buffer);
  };
  ensure(1024);
  words.set(seeds, 0);
  return (shingles, out, offset) => {
    ensure(shingles.length);
    words.set(shingles, shinglePointer / 4);
    minHash16(shinglePointer, shingles.length, 0, groups, outPointer);
    out.set(words.subarray(outPointer / 4, outPointer / 4 + seeds.length), offset);
  };
}
