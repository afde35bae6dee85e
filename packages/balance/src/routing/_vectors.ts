/** Small dense-vector helpers for the routers. Vectors are Float32Array; sums run in float64. */

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) sum += a[index]! * b[index]!;
  return sum;
}

export function norm(vector: Float32Array): number {
  return Math.sqrt(dot(vector, vector));
}

/** The vector scaled to length 1; a zero vector stays zero. */
export function unit(vector: Float32Array): Float32Array {
  const length = norm(vector);
  const out = new Float32Array(vector.length);
  if (length > 0) for (let index = 0; index < vector.length; index++) out[index] = vector[index]! / length;
  return out;
}

/** The mean of the vectors picked by `indices` (all when omitted); zero when there are none. */
export function mean(
  vectors: readonly Float32Array[],
  dimensions: number,
  indices?: readonly number[],
): Float32Array {
  const sum = new Float64Array(dimensions);
  const count = indices ? indices.length : vectors.length;
  for (let position = 0; position < count; position++) {
    const vector = vectors[indices ? indices[position]! : position]!;
    for (let dim = 0; dim < dimensions; dim++) sum[dim]! += vector[dim]!;
  }
  const out = new Float32Array(dimensions);
  if (count > 0) for (let dim = 0; dim < dimensions; dim++) out[dim] = sum[dim]! / count;
  return out;
}

/** a − b. */
export function subtract(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let index = 0; index < a.length; index++) out[index] = a[index]! - (b[index] ?? 0);
  return out;
}

/**
 * out[r] = ⟨vector, row r of matrix⟩ for a row-major matrix of `rows` rows of vector.length: the
 * inner loop of routing, unrolled by four.
 */
export function dotRows(vector: Float32Array, matrix: Float32Array, rows: number, out: Float64Array): void {
  const length = vector.length;
  const tail = length - (length % 4);
  for (let row = 0; row < rows; row++) {
    const offset = row * length;
    let a = 0;
    let b = 0;
    let c = 0;
    let d = 0;
    let index = 0;
    for (; index < tail; index += 4) {
      a += vector[index]! * matrix[offset + index]!;
      b += vector[index + 1]! * matrix[offset + index + 1]!;
      c += vector[index + 2]! * matrix[offset + index + 2]!;
      d += vector[index + 3]! * matrix[offset + index + 3]!;
    }
    for (; index < length; index++) a += vector[index]! * matrix[offset + index]!;
    out[row] = a + b + c + d;
  }
}
