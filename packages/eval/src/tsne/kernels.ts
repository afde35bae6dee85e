/**
 * The numeric kernels of the t-SNE pipeline. Each one runs on the calling thread and, unchanged, in
 * every worker thread: a worker's source is these functions' own text (see `worker-pool.ts`), so
 * this file keeps three rules:
 * - no imports used at run time (`import type` only) and no module-level values but these functions;
 * - a kernel refers only to its arguments, its locals and the other functions listed in `KERNELS` or
 *   `KERNEL_HELPERS`;
 * - a kernel takes one plain object of numbers and typed arrays, and the thread's own `KernelState`.
 *
 * Work is split by a shared cursor: every thread claims the next `chunk` items with `Atomics.add`
 * until none are left. Each item's result depends on that item alone, and sums are kept per chunk
 * and added in chunk order afterwards, so results are bit-identical whatever the thread count.
 *
 * Outputs are typed arrays over `SharedArrayBuffer`s. Inputs read many times live in each thread's
 * state as private arrays (`KernelPool.share` clones them into every worker once): V8 reads typed
 * arrays over shared memory about half as fast as private ones.
 */

/** The shared work cursor every kernel takes its chunks from. */
export interface ChunkedArgs {
  cursor: Int32Array;
  chunk: number;
}

/** Per-thread data that outlives one kernel call; `KernelPool.share` sets its entries everywhere. */
export interface KernelState {
  /** True on the thread that called `KernelPool.run` (it always does its share and waits). */
  caller?: boolean;
  /** Row-major rows×dims points for the neighbour search. */
  points?: { data: Float64Array; norms: Float64Array; rows: number; dims: number };
  /** Centred column-major data for PCA. */
  columns?: Float64Array;
  /** Symmetric P in CSR, original order. */
  affinities?: { rowStarts: Int32Array; columns: Int32Array; values: Float64Array };
  /** This thread's copy of the space tree (see `createSpaceTree`). */
  tree?: SpaceTree;
}

// ---------------------------------------------------------------------------------------------------
// Helpers: bounded max-heaps of (distance, index) kept in a row of two n×k arrays.

/** Offers (distance, index) to the max-heap at `offset`; kept when smaller than the current largest. */
export function heapOffer(
  distances: Float64Array,
  indices: Int32Array,
  offset: number,
  k: number,
  distance: number,
  index: number,
): void {
  if (!(distance < distances[offset]!)) return;
  let parent = 0;
  for (;;) {
    let child = 2 * parent + 1;
    if (child >= k) break;
    if (child + 1 < k && distances[offset + child + 1]! > distances[offset + child]!) child++;
    if (!(distances[offset + child]! > distance)) break;
    distances[offset + parent] = distances[offset + child]!;
    indices[offset + parent] = indices[offset + child]!;
    parent = child;
  }
  distances[offset + parent] = distance;
  indices[offset + parent] = index;
}

/** Sorts a row in place by ascending distance (ties by index), e.g. a max-heap once it is full. */
export function sortRow(distances: Float64Array, indices: Int32Array, offset: number, k: number): void {
  // Insertion sort after a heap is nearly reversed is quadratic, so use a heap sort's second half:
  // repeatedly move the largest to the end. Ties are then ordered by index in a final pass.
  for (let end = k - 1; end > 0; end--) {
    const topDistance = distances[offset]!;
    const topIndex = indices[offset]!;
    const distance = distances[offset + end]!;
    const index = indices[offset + end]!;
    distances[offset + end] = topDistance;
    indices[offset + end] = topIndex;
    let parent = 0;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= end) break;
      if (child + 1 < end && distances[offset + child + 1]! > distances[offset + child]!) child++;
      if (!(distances[offset + child]! > distance)) break;
      distances[offset + parent] = distances[offset + child]!;
      indices[offset + parent] = indices[offset + child]!;
      parent = child;
    }
    distances[offset + parent] = distance;
    indices[offset + parent] = index;
  }
  for (let slot = offset + 1; slot < offset + k; slot++) {
    const distance = distances[slot]!;
    const index = indices[slot]!;
    let to = slot;
    while (
      to > offset &&
      (distances[to - 1]! > distance || (distances[to - 1] === distance && indices[to - 1]! > index))
    ) {
      distances[to] = distances[to - 1]!;
      indices[to] = indices[to - 1]!;
      to--;
    }
    distances[to] = distance;
    indices[to] = index;
  }
}

/** Squared Euclidean distance between rows `a` and `b` of a row-major matrix. */
export function squaredDistance(data: Float64Array, dims: number, a: number, b: number): number {
  const offsetA = a * dims;
  const offsetB = b * dims;
  let sum0 = 0;
  let sum1 = 0;
  let dim = 0;
  for (; dim + 1 < dims; dim += 2) {
    const delta0 = data[offsetA + dim]! - data[offsetB + dim]!;
    const delta1 = data[offsetA + dim + 1]! - data[offsetB + dim + 1]!;
    sum0 += delta0 * delta0;
    sum1 += delta1 * delta1;
  }
  if (dim < dims) {
    const delta = data[offsetA + dim]! - data[offsetB + dim]!;
    sum0 += delta * delta;
  }
  return sum0 + sum1;
}

/**
 * The package's one dot-product tile kernel (the metrics' `accumulateDots` tiles with it too): the
 * eight dot products of four vectors of `a` (starting at a0…a3) with two of `b` (at b0, b1), each
 * `length` consecutive entries, into `out` as a0·b0, a0·b1, a1·b0, …, a3·b1: eight sums at once, so
 * that each load serves several products. It lives here because a worker's source is this file's
 * functions' own text; called with Float64Arrays only.
 */
export function dotTile4x2(
  a: Float64Array,
  a0: number,
  a1: number,
  a2: number,
  a3: number,
  b: Float64Array,
  b0: number,
  b1: number,
  length: number,
  out: Float64Array,
): void {
  let s00 = 0;
  let s01 = 0;
  let s10 = 0;
  let s11 = 0;
  let s20 = 0;
  let s21 = 0;
  let s30 = 0;
  let s31 = 0;
  for (let index = 0; index < length; index++) {
    const v0 = b[b0 + index]!;
    const v1 = b[b1 + index]!;
    const u0 = a[a0 + index]!;
    const u1 = a[a1 + index]!;
    const u2 = a[a2 + index]!;
    const u3 = a[a3 + index]!;
    s00 += u0 * v0;
    s01 += u0 * v1;
    s10 += u1 * v0;
    s11 += u1 * v1;
    s20 += u2 * v0;
    s21 += u2 * v1;
    s30 += u3 * v0;
    s31 += u3 * v1;
  }
  out[0] = s00;
  out[1] = s01;
  out[2] = s10;
  out[3] = s11;
  out[4] = s20;
  out[5] = s21;
  out[6] = s30;
  out[7] = s31;
}

// ---------------------------------------------------------------------------------------------------
// PCA.

export interface CovarianceArgs extends ChunkedArgs {
  /** Centred data is `state.columns`, column-major (`dims` columns of `rows` values). */
  rows: number;
  dims: number;
  /** Output, dims×dims; rows `a` get entries `b >= a` (the caller mirrors them). */
  covariance: Float64Array;
}

/**
 * Xᵀ·X of centred data, a chunk of 4 output rows at a time: samples in cache-sized blocks, 4×2
 * tiles of dot products (eight sums at once, so each load serves several products).
 */
export function covarianceKernel(args: CovarianceArgs, state: KernelState): void {
  const { rows, dims, covariance, cursor } = args;
  const columns = state.columns!;
  const sampleBlock = 1024;
  const sums = new Float64Array(4 * dims);
  const tile = new Float64Array(8);
  for (;;) {
    const a0 = Atomics.add(cursor, 0, 4);
    if (a0 >= dims) break;
    const quad = Math.min(4, dims - a0);
    sums.fill(0);
    // Rows past `dims` repeat the last one; their sums are dropped.
    const c0 = a0 * rows;
    const c1 = quad > 1 ? c0 + rows : c0;
    const c2 = quad > 2 ? c0 + 2 * rows : c0;
    const c3 = quad > 3 ? c0 + 3 * rows : c0;
    for (let s0 = 0; s0 < rows; s0 += sampleBlock) {
      const s1 = Math.min(rows, s0 + sampleBlock);
      let b = a0;
      for (; b + 1 < dims; b += 2) {
        const cb0 = b * rows;
        dotTile4x2(
          columns,
          c0 + s0,
          c1 + s0,
          c2 + s0,
          c3 + s0,
          columns,
          cb0 + s0,
          cb0 + rows + s0,
          s1 - s0,
          tile,
        );
        for (let q = 0; q < 4; q++) {
          sums[q * dims + b] = sums[q * dims + b]! + tile[2 * q]!;
          sums[q * dims + b + 1] = sums[q * dims + b + 1]! + tile[2 * q + 1]!;
        }
      }
      for (; b < dims; b++) {
        const cb = b * rows;
        let t0 = 0;
        let t1 = 0;
        let t2 = 0;
        let t3 = 0;
        for (let s = s0; s < s1; s++) {
          const value = columns[cb + s]!;
          t0 += columns[c0 + s]! * value;
          t1 += columns[c1 + s]! * value;
          t2 += columns[c2 + s]! * value;
          t3 += columns[c3 + s]! * value;
        }
        sums[b] = sums[b]! + t0;
        sums[dims + b] = sums[dims + b]! + t1;
        sums[2 * dims + b] = sums[2 * dims + b]! + t2;
        sums[3 * dims + b] = sums[3 * dims + b]! + t3;
      }
    }
    for (let q = 0; q < quad; q++) {
      const a = a0 + q;
      for (let b = a; b < dims; b++) covariance[a * dims + b] = sums[q * dims + b]!;
    }
  }
}

export interface ProjectArgs extends ChunkedArgs {
  /** Centred data is `state.columns`. */
  rows: number;
  dims: number;
  /** The principal axes as rows: components×dims, row-major. */
  axes: Float64Array;
  componentCount: number;
  /** Output, rows×components, row-major. */
  projected: Float64Array;
}

/**
 * Projects centred column-major data onto principal axes, `chunk` rows at a time: 4 rows are
 * gathered into a row-major block, then 4×2 tiles of dot products with the axes.
 */
export function projectKernel(args: ProjectArgs, state: KernelState): void {
  const { rows, dims, axes, componentCount: m, projected, cursor, chunk } = args;
  const columns = state.columns!;
  const block = new Float64Array(4 * dims);
  const tile = new Float64Array(8);
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    for (let row = start; row < end; row += 4) {
      const quad = Math.min(4, end - row);
      for (let dim = 0; dim < dims; dim++) {
        const column = dim * rows + row;
        for (let q = 0; q < 4; q++) block[q * dims + dim] = q < quad ? columns[column + q]! : 0;
      }
      for (let c = 0; c < m; c += 2) {
        const pair = c + 1 < m;
        const v0 = c * dims;
        const v1 = pair ? v0 + dims : v0;
        dotTile4x2(block, 0, dims, 2 * dims, 3 * dims, axes, v0, v1, dims, tile);
        for (let q = 0; q < quad; q++) {
          const out = (row + q) * m + c;
          projected[out] = tile[2 * q]!;
          if (pair) projected[out + 1] = tile[2 * q + 1]!;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Nearest neighbours.

export interface ExactKnnArgs extends ChunkedArgs {
  /** The points are `state.points`. */
  k: number;
  /** Outputs, rows×k, each row sorted by ascending squared distance. */
  indices: Int32Array;
  distances: Float64Array;
}

/**
 * Exact k nearest neighbours of `chunk` rows against all rows, by blocks of columns and 3×3 tiles of
 * dot products (|a|² + |b|² − 2a·b, nine sums at once so that each load serves three products;
 * the fastest shape measured in V8). The kept distances are recomputed directly at the end.
 */
export function exactKnnKernel(args: ExactKnnArgs, state: KernelState): void {
  const { k, cursor, chunk } = args;
  const { data, norms, rows, dims } = state.points!;
  const columnBlock = 192;
  // The chunk's heaps live in private arrays and are copied out at the end; heap rows are
  // numbered from the chunk's first row. A heap's largest distance is its first entry.
  const distances = new Float64Array(chunk * k);
  const indices = new Int32Array(chunk * k);
  for (;;) {
    const first = Atomics.add(cursor, 0, chunk);
    if (first >= rows) break;
    const count = Math.min(rows, first + chunk) - first;
    distances.fill(Number.POSITIVE_INFINITY);
    indices.fill(-1);
    for (let c0 = 0; c0 < rows; c0 += columnBlock) {
      const c1 = Math.min(rows, c0 + columnBlock);
      let local = 0;
      for (; local + 2 < count; local += 3) {
        const row = first + local;
        const a0 = row * dims;
        const a1 = a0 + dims;
        const a2 = a1 + dims;
        const h0 = local * k;
        const h1 = h0 + k;
        const h2 = h1 + k;
        const n0 = norms[row]!;
        const n1 = norms[row + 1]!;
        const n2 = norms[row + 2]!;
        let limit0 = distances[h0]!;
        let limit1 = distances[h1]!;
        let limit2 = distances[h2]!;
        let column = c0;
        for (; column + 2 < c1; column += 3) {
          const b0 = column * dims;
          const b1 = b0 + dims;
          const b2 = b1 + dims;
          let s00 = 0;
          let s01 = 0;
          let s02 = 0;
          let s10 = 0;
          let s11 = 0;
          let s12 = 0;
          let s20 = 0;
          let s21 = 0;
          let s22 = 0;
          for (let dim = 0; dim < dims; dim++) {
            const v0 = data[b0 + dim]!;
            const v1 = data[b1 + dim]!;
            const v2 = data[b2 + dim]!;
            const u0 = data[a0 + dim]!;
            const u1 = data[a1 + dim]!;
            const u2 = data[a2 + dim]!;
            s00 += u0 * v0;
            s01 += u0 * v1;
            s02 += u0 * v2;
            s10 += u1 * v0;
            s11 += u1 * v1;
            s12 += u1 * v2;
            s20 += u2 * v0;
            s21 += u2 * v1;
            s22 += u2 * v2;
          }
          const m0 = norms[column]!;
          const m1 = norms[column + 1]!;
          const m2 = norms[column + 2]!;
          let d = n0 + m0 - 2 * s00;
          if (d < limit0 && column !== row) {
            heapOffer(distances, indices, h0, k, d, column);
            limit0 = distances[h0]!;
          }
          d = n0 + m1 - 2 * s01;
          if (d < limit0 && column + 1 !== row) {
            heapOffer(distances, indices, h0, k, d, column + 1);
            limit0 = distances[h0]!;
          }
          d = n0 + m2 - 2 * s02;
          if (d < limit0 && column + 2 !== row) {
            heapOffer(distances, indices, h0, k, d, column + 2);
            limit0 = distances[h0]!;
          }
          d = n1 + m0 - 2 * s10;
          if (d < limit1 && column !== row + 1) {
            heapOffer(distances, indices, h1, k, d, column);
            limit1 = distances[h1]!;
          }
          d = n1 + m1 - 2 * s11;
          if (d < limit1 && column + 1 !== row + 1) {
            heapOffer(distances, indices, h1, k, d, column + 1);
            limit1 = distances[h1]!;
          }
          d = n1 + m2 - 2 * s12;
          if (d < limit1 && column + 2 !== row + 1) {
            heapOffer(distances, indices, h1, k, d, column + 2);
            limit1 = distances[h1]!;
          }
          d = n2 + m0 - 2 * s20;
          if (d < limit2 && column !== row + 2) {
            heapOffer(distances, indices, h2, k, d, column);
            limit2 = distances[h2]!;
          }
          d = n2 + m1 - 2 * s21;
          if (d < limit2 && column + 1 !== row + 2) {
            heapOffer(distances, indices, h2, k, d, column + 1);
            limit2 = distances[h2]!;
          }
          d = n2 + m2 - 2 * s22;
          if (d < limit2 && column + 2 !== row + 2) {
            heapOffer(distances, indices, h2, k, d, column + 2);
            limit2 = distances[h2]!;
          }
        }
        for (; column < c1; column++) {
          const b0 = column * dims;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          for (let dim = 0; dim < dims; dim++) {
            const v0 = data[b0 + dim]!;
            s0 += data[a0 + dim]! * v0;
            s1 += data[a1 + dim]! * v0;
            s2 += data[a2 + dim]! * v0;
          }
          const m0 = norms[column]!;
          if (column !== row) heapOffer(distances, indices, h0, k, n0 + m0 - 2 * s0, column);
          if (column !== row + 1) heapOffer(distances, indices, h1, k, n1 + m0 - 2 * s1, column);
          if (column !== row + 2) heapOffer(distances, indices, h2, k, n2 + m0 - 2 * s2, column);
        }
      }
      for (; local < count; local++) {
        const row = first + local;
        const a0 = row * dims;
        for (let column = c0; column < c1; column++) {
          if (column === row) continue;
          const b0 = column * dims;
          let sum = 0;
          for (let dim = 0; dim < dims; dim++) sum += data[a0 + dim]! * data[b0 + dim]!;
          heapOffer(distances, indices, local * k, k, norms[row]! + norms[column]! - 2 * sum, column);
        }
      }
    }
    for (let local = 0; local < count; local++) {
      const offset = local * k;
      for (let slot = offset; slot < offset + k; slot++)
        distances[slot] = squaredDistance(data, dims, first + local, indices[slot]!);
      sortRow(distances, indices, offset, k);
    }
    args.distances.set(distances.subarray(0, count * k), first * k);
    args.indices.set(indices.subarray(0, count * k), first * k);
  }
}

export interface NearestCentroidsArgs extends ChunkedArgs {
  /** The points are `state.points`. cells×dims, row-major, and their squared norms. */
  centroids: Float64Array;
  centroidNorms: Float64Array;
  cells: number;
  /** How many nearest centroids to keep per row. */
  probes: number;
  /** Output: rows×probes centroid numbers, nearest first. */
  nearest: Int32Array;
}

/** The `probes` nearest centroids of each row, nearest first. */
export function nearestCentroidsKernel(args: NearestCentroidsArgs, state: KernelState): void {
  const { centroids, centroidNorms, cells, probes, nearest, cursor, chunk } = args;
  const { data, norms, rows, dims } = state.points!;
  const bestDistances = new Float64Array(probes);
  const bestCells = new Int32Array(probes);
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    for (let row = start; row < end; row++) {
      const offset = row * dims;
      bestDistances.fill(Number.POSITIVE_INFINITY);
      bestCells.fill(-1);
      for (let cell = 0; cell < cells; cell++) {
        const centre = cell * dims;
        let dot0 = 0;
        let dot1 = 0;
        let dim = 0;
        for (; dim + 1 < dims; dim += 2) {
          dot0 += data[offset + dim]! * centroids[centre + dim]!;
          dot1 += data[offset + dim + 1]! * centroids[centre + dim + 1]!;
        }
        if (dim < dims) dot0 += data[offset + dim]! * centroids[centre + dim]!;
        const distance = norms[row]! + centroidNorms[cell]! - 2 * (dot0 + dot1);
        if (!(distance < bestDistances[probes - 1]!)) continue;
        let at = probes - 1;
        while (at > 0 && bestDistances[at - 1]! > distance) {
          bestDistances[at] = bestDistances[at - 1]!;
          bestCells[at] = bestCells[at - 1]!;
          at--;
        }
        bestDistances[at] = distance;
        bestCells[at] = cell;
      }
      nearest.set(bestCells, row * probes);
    }
  }
}

export interface CellJoinArgs extends ChunkedArgs {
  /** The points are `state.points`. */
  k: number;
  cells: number;
  /** Per cell (CSR over `cells`): the rows that search it in this pass, and the rows in it. */
  queryStarts: Int32Array;
  queries: Int32Array;
  memberStarts: Int32Array;
  members: Int32Array;
  largestCell: number;
  /** Max-heaps, rows×k (shared), updated in place. */
  indices: Int32Array;
  distances: Float64Array;
}

/**
 * For each cell, the squared distances between the rows that search it and the rows in it, offered
 * to the searching rows' heaps: both sets are copied into contiguous blocks, then 4×2 tiles of dot
 * products as in `exactKnnKernel`. A row searches one cell per pass, so no two threads touch the
 * same heap, and a row is in one cell, so no candidate is offered twice to a row.
 */
export function cellJoinKernel(args: CellJoinArgs, state: KernelState): void {
  const { k, cells, queryStarts, queries, memberStarts, members, largestCell, indices, distances } = args;
  const { cursor, chunk } = args;
  const { data, norms, dims } = state.points!;
  const block = new Float64Array(largestCell * dims);
  const blockNorms = new Float64Array(largestCell);
  const blockRows = new Int32Array(largestCell);
  const query = new Float64Array(4 * dims);
  const tile = new Float64Array(8);
  const offer = (row: number, member: number, distance: number) => {
    const heap = row * k;
    const other = blockRows[member]!;
    if (distance < distances[heap]! && other !== row) heapOffer(distances, indices, heap, k, distance, other);
  };
  for (;;) {
    const first = Atomics.add(cursor, 0, chunk);
    if (first >= cells) break;
    const last = Math.min(cells, first + chunk);
    for (let cell = first; cell < last; cell++) {
      const memberCount = memberStarts[cell + 1]! - memberStarts[cell]!;
      for (let member = 0; member < memberCount; member++) {
        const row = members[memberStarts[cell]! + member]!;
        blockRows[member] = row;
        blockNorms[member] = norms[row]!;
        for (let dim = 0; dim < dims; dim++) block[member * dims + dim] = data[row * dims + dim]!;
      }
      const queryEnd = queryStarts[cell + 1]!;
      for (let at = queryStarts[cell]!; at < queryEnd; at += 4) {
        const quad = Math.min(4, queryEnd - at);
        const r0 = queries[at]!;
        const r1 = quad > 1 ? queries[at + 1]! : r0;
        const r2 = quad > 2 ? queries[at + 2]! : r0;
        const r3 = quad > 3 ? queries[at + 3]! : r0;
        for (let dim = 0; dim < dims; dim++) {
          query[dim] = data[r0 * dims + dim]!;
          query[dims + dim] = data[r1 * dims + dim]!;
          query[2 * dims + dim] = data[r2 * dims + dim]!;
          query[3 * dims + dim] = data[r3 * dims + dim]!;
        }
        let member = 0;
        for (; member + 1 < memberCount; member += 2) {
          const b0 = member * dims;
          dotTile4x2(query, 0, dims, 2 * dims, 3 * dims, block, b0, b0 + dims, dims, tile);
          for (let q = 0; q < quad; q++) {
            const row = queries[at + q]!;
            offer(row, member, norms[row]! + blockNorms[member]! - 2 * tile[2 * q]!);
            offer(row, member + 1, norms[row]! + blockNorms[member + 1]! - 2 * tile[2 * q + 1]!);
          }
        }
        for (; member < memberCount; member++) {
          const b0 = member * dims;
          for (let q = 0; q < quad; q++) {
            let sum = 0;
            for (let dim = 0; dim < dims; dim++) sum += query[q * dims + dim]! * block[b0 + dim]!;
            const row = queries[at + q]!;
            offer(row, member, norms[row]! + blockNorms[member]! - 2 * sum);
          }
        }
      }
    }
  }
}

export interface SortRowsArgs extends ChunkedArgs {
  rows: number;
  k: number;
  indices: Int32Array;
  distances: Float64Array;
  /** 1: first recompute each kept distance directly from `state.points` (exact, not |a|²+|b|²−2a·b). */
  recompute: number;
}

/** Sorts every row of a neighbour graph by ascending distance. */
export function sortRowsKernel(args: SortRowsArgs, state: KernelState): void {
  const { rows, k, indices, distances, recompute, cursor, chunk } = args;
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    for (let row = start; row < end; row++) {
      if (recompute === 1) {
        const { data, dims } = state.points!;
        for (let slot = row * k; slot < (row + 1) * k; slot++)
          distances[slot] = squaredDistance(data, dims, row, indices[slot]!);
      }
      sortRow(distances, indices, row * k, k);
    }
  }
}

export interface RefineArgs extends ChunkedArgs {
  /** The points are `state.points`. */
  k: number;
  /** How many of a point's nearest neighbours lend it their own neighbour lists. */
  expand: number;
  /** This round's neighbour lists (sorted rows) and the next round's (written, sorted). */
  inIndices: Int32Array;
  inDistances: Float64Array;
  outIndices: Int32Array;
  outDistances: Float64Array;
  /** Reverse neighbours (CSR) that also lend their lists; `reverseStarts` has rows + 1 entries. */
  reverseStarts: Int32Array;
  reverseIndices: Int32Array;
}

/**
 * One round of neighbour-of-neighbour search: a point's candidates are its neighbours, the lists
 * of its `expand` nearest neighbours, and the lists of points that have it as a neighbour. Reads
 * this round's lists and writes the next, so rows do not race.
 */
export function refineKnnKernel(args: RefineArgs, state: KernelState): void {
  const { k, expand, outIndices, outDistances, cursor, chunk, reverseStarts, reverseIndices } = args;
  const { data, rows, dims } = state.points!;
  // Neighbours' lists are read at random: private copies read faster than shared memory.
  const inIndices = Int32Array.from(args.inIndices);
  const inDistances = Float64Array.from(args.inDistances);
  const seen = new Int32Array(rows);
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    for (let row = start; row < end; row++) {
      const stamp = row + 1;
      const offset = row * k;
      seen[row] = stamp;
      // The current list is a valid heap only after reversal: fill, then offer the rest.
      for (let slot = 0; slot < k; slot++) {
        outDistances[offset + slot] = inDistances[offset + k - 1 - slot]!;
        outIndices[offset + slot] = inIndices[offset + k - 1 - slot]!;
        seen[inIndices[offset + slot]!] = stamp;
      }
      const lend = (neighbour: number): void => {
        const list = neighbour * k;
        for (let slot = 0; slot < k; slot++) {
          const candidate = inIndices[list + slot]!;
          if (seen[candidate] === stamp) continue;
          seen[candidate] = stamp;
          const distance = squaredDistance(data, dims, row, candidate);
          if (distance < outDistances[offset]!)
            heapOffer(outDistances, outIndices, offset, k, distance, candidate);
        }
      };
      for (let slot = 0; slot < expand; slot++) lend(inIndices[offset + slot]!);
      for (let entry = reverseStarts[row]!; entry < reverseStarts[row + 1]!; entry++)
        lend(reverseIndices[entry]!);
      sortRow(outDistances, outIndices, offset, k);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Affinities.

export interface CalibrateArgs extends ChunkedArgs {
  rows: number;
  k: number;
  /** Squared distances to each row's k neighbours. */
  distances: Float64Array;
  /** ln(perplexity). */
  targetEntropy: number;
  tolerance: number;
  maxSteps: number;
  /** Outputs: conditional p(j|i) per neighbour (rows sum to 1), and the precision β of each row. */
  conditional: Float64Array;
  betas: Float64Array;
}

/**
 * For each row, the Gaussian precision β whose conditional distribution over the row's neighbours
 * has entropy ln(perplexity) (in nats), by bisection as in van der Maaten's and scikit-learn's code.
 */
export function calibrateKernel(args: CalibrateArgs): void {
  const { rows, k, targetEntropy, tolerance, maxSteps, betas, cursor, chunk } = args;
  // One row at a time in private arrays: the bisection reads them many times.
  const distances = new Float64Array(k);
  const conditional = new Float64Array(k);
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    for (let row = start; row < end; row++) {
      distances.set(args.distances.subarray(row * k, (row + 1) * k));
      let nearest = Number.POSITIVE_INFINITY;
      let mean = 0;
      for (let slot = 0; slot < k; slot++) nearest = Math.min(nearest, distances[slot]!);
      for (let slot = 0; slot < k; slot++) mean += distances[slot]! - nearest;
      mean /= k;
      // Distances are shifted by the nearest one, which leaves the distribution unchanged.
      let beta = mean > 0 ? 1 / mean : 1;
      let low = 0;
      let high = Number.POSITIVE_INFINITY;
      let sum = 0;
      for (let step = 0; step < maxSteps; step++) {
        sum = 0;
        let weighted = 0;
        for (let slot = 0; slot < k; slot++) {
          const shifted = distances[slot]! - nearest;
          const p = Math.exp(-shifted * beta);
          conditional[slot] = p;
          sum += p;
          weighted += shifted * p;
        }
        const entropy = Math.log(sum) + (beta * weighted) / sum;
        const difference = entropy - targetEntropy;
        if (Math.abs(difference) <= tolerance || step === maxSteps - 1) break;
        if (difference > 0) {
          low = beta;
          beta = high === Number.POSITIVE_INFINITY ? beta * 2 : (beta + high) / 2;
        } else {
          high = beta;
          beta = (beta + low) / 2;
        }
      }
      for (let slot = 0; slot < k; slot++) conditional[slot] = conditional[slot]! / sum;
      args.conditional.set(conditional, row * k);
      betas[row] = beta;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Gradient.

/**
 * A quadtree over the 2-D embedding for Barnes–Hut, private to one thread and rebuilt by every
 * thread that takes part in a gradient evaluation. Each node is the tight bounding box of its
 * points split at its centre, so every internal node has at least two non-empty children and there
 * are at most 2n − 1 nodes. Leaves hold up to `leafSize` points (or any number of coincident ones).
 * The tree is canonical: a leaf's points are ordered by index and centres of mass are summed bottom
 * up in child order, so the same positions give the same tree, bit for bit, whatever order the
 * points started in (each build starts from the previous build's order, which makes it cheaper).
 *
 * - `nodeValues[4i..4i+3]`: centre of mass x, y; r² = (larger side of the box)² / θ²; point count;
 * - `nodeLinks[4i..4i+3]`: first child, end of children (equal for a leaf), first and end point;
 * - `order`, `orderX`, `orderY`: the points in tree order (a node's points are contiguous);
 * - `groupBounds[0..groupCount]`: the point ranges of the largest nodes of at most `groupSize`
 *   points (or leaves of more), in order; they partition the points.
 */
export interface SpaceTree {
  rows: number;
  nodeValues: Float64Array;
  nodeLinks: Int32Array;
  order: Int32Array;
  orderX: Float64Array;
  orderY: Float64Array;
  groupBounds: Int32Array;
  groupCount: number;
  nodeCount: number;
  depth: number;
  /** The positions it is built from (rows×2, original order). */
  positions: Float64Array;
}

export function createSpaceTree(rows: number): SpaceTree {
  const capacity = 2 * rows + 1;
  const order = new Int32Array(rows);
  for (let index = 0; index < rows; index++) order[index] = index;
  return {
    rows,
    nodeValues: new Float64Array(4 * capacity),
    nodeLinks: new Int32Array(4 * capacity),
    order,
    orderX: new Float64Array(rows),
    orderY: new Float64Array(rows),
    groupBounds: new Int32Array(rows + 1),
    groupCount: 0,
    nodeCount: 0,
    depth: 0,
    positions: new Float64Array(2 * rows),
  };
}

/** Rebuilds `tree` over `tree.positions`. */
export function buildSpaceTree(tree: SpaceTree, theta: number, leafSize: number, groupSize: number): void {
  const { nodeValues, nodeLinks, order, orderX, orderY, groupBounds, positions } = tree;
  const rows = tree.rows;
  for (let position = 0; position < rows; position++) {
    const point = order[position]!;
    orderX[position] = positions[2 * point]!;
    orderY[position] = positions[2 * point + 1]!;
  }
  const inverseTheta2 = theta > 0 ? 1 / (theta * theta) : Number.POSITIVE_INFINITY;
  const swap = (a: number, b: number) => {
    const point = order[a]!;
    order[a] = order[b]!;
    order[b] = point;
    const x = orderX[a]!;
    orderX[a] = orderX[b]!;
    orderX[b] = x;
    const y = orderY[a]!;
    orderY[a] = orderY[b]!;
    orderY[b] = y;
  };
  /** Moves points with coordinate < split to the front of [begin, end); returns the boundary. */
  const partition = (coordinates: Float64Array, begin: number, end: number, split: number): number => {
    let low = begin;
    let high = end - 1;
    for (;;) {
      while (low <= high && coordinates[low]! < split) low++;
      while (low <= high && !(coordinates[high]! < split)) high--;
      if (low >= high) return low;
      swap(low, high);
      low++;
      high--;
    }
  };
  /** Orders a leaf's points by index (insertion sort; leaves are small but for coincident points). */
  const sortLeaf = (begin: number, end: number) => {
    if (end - begin > 64) {
      const slots = Array.from({ length: end - begin }, (_, index) => begin + index);
      slots.sort((a, b) => order[a]! - order[b]!);
      const points = slots.map((slot) => order[slot]!);
      const xs = slots.map((slot) => orderX[slot]!);
      const ys = slots.map((slot) => orderY[slot]!);
      for (let index = 0; index < points.length; index++) {
        order[begin + index] = points[index]!;
        orderX[begin + index] = xs[index]!;
        orderY[begin + index] = ys[index]!;
      }
      return;
    }
    for (let position = begin + 1; position < end; position++) {
      for (let at = position; at > begin && order[at - 1]! > order[at]!; at--) swap(at - 1, at);
    }
  };

  let nodeCount = 1;
  let depth = 0;
  // Group starts are marked per position, then listed in order.
  const groupStart = new Uint8Array(rows);
  if (rows <= groupSize) groupStart[0] = 1;
  nodeLinks[2] = 0;
  nodeLinks[3] = rows;
  // Top down: boxes and structure. Stack of (node, depth) to fill in.
  const stack: number[] = [0, 0];
  while (stack.length > 0) {
    const nodeDepth = stack.pop()!;
    const node = stack.pop()!;
    if (nodeDepth > depth) depth = nodeDepth;
    const base = node * 4;
    const begin = nodeLinks[base + 2]!;
    const end = nodeLinks[base + 3]!;
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let position = begin; position < end; position++) {
      const x = orderX[position]!;
      const y = orderY[position]!;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const count = end - begin;
    const size = Math.max(maxX - minX, maxY - minY);
    nodeValues[base + 2] = count === 1 ? 0 : size * size * inverseTheta2;
    nodeValues[base + 3] = count;
    const midX = (minX + maxX) / 2;
    const midY = (minY + maxY) / 2;
    // A box too small to split in floating point is a leaf however many points it holds.
    if (count <= leafSize || size === 0 || !(midX > minX || midY > minY)) {
      if (count > groupSize) groupStart[begin] = 1;
      nodeLinks[base] = 0;
      nodeLinks[base + 1] = 0;
      sortLeaf(begin, end);
      continue;
    }
    const middle = partition(orderX, begin, end, midX);
    const lowerLeft = partition(orderY, begin, middle, midY);
    const lowerRight = partition(orderY, middle, end, midY);
    const bounds = [begin, lowerLeft, middle, lowerRight, end];
    const firstChild = nodeCount;
    for (let quadrant = 0; quadrant < 4; quadrant++) {
      const childBegin = bounds[quadrant]!;
      const childEnd = bounds[quadrant + 1]!;
      if (childBegin === childEnd) continue;
      const child = nodeCount++;
      if (count > groupSize && childEnd - childBegin <= groupSize) groupStart[childBegin] = 1;
      nodeLinks[child * 4 + 2] = childBegin;
      nodeLinks[child * 4 + 3] = childEnd;
      stack.push(child, nodeDepth + 1);
    }
    nodeLinks[base] = firstChild;
    nodeLinks[base + 1] = nodeCount;
  }
  // Bottom up (children have larger numbers than their parent): coordinate sums, then centres.
  for (let node = nodeCount - 1; node >= 0; node--) {
    const base = node * 4;
    let sumX = 0;
    let sumY = 0;
    if (nodeLinks[base] === nodeLinks[base + 1]) {
      for (let position = nodeLinks[base + 2]!; position < nodeLinks[base + 3]!; position++) {
        sumX += orderX[position]!;
        sumY += orderY[position]!;
      }
    } else {
      for (let child = nodeLinks[base]!; child < nodeLinks[base + 1]!; child++) {
        sumX += nodeValues[child * 4]!;
        sumY += nodeValues[child * 4 + 1]!;
      }
    }
    nodeValues[base] = sumX;
    nodeValues[base + 1] = sumY;
  }
  for (let node = 0; node < nodeCount; node++) {
    const base = node * 4;
    nodeValues[base] = nodeValues[base]! / nodeValues[base + 3]!;
    nodeValues[base + 1] = nodeValues[base + 1]! / nodeValues[base + 3]!;
  }
  let groupCount = 0;
  for (let position = 0; position < rows; position++)
    if (groupStart[position] === 1) groupBounds[groupCount++] = position;
  groupBounds[groupCount] = rows;
  tree.groupCount = groupCount;
  tree.nodeCount = nodeCount;
  tree.depth = depth;
}

/**
 * Σ w·q̃ over bodies (x, y, weight) seen from (x, y), q̃ = 1 / (1 + d²); writes Σ w·q̃²·(p − body)
 * to out[at], out[at + 1].
 */
export function sumBodies(
  bodyX: Float64Array,
  bodyY: Float64Array,
  bodyWeight: Float64Array,
  bodies: number,
  x: number,
  y: number,
  out: Float64Array,
  at: number,
): number {
  let sumQ = 0;
  let forceX = 0;
  let forceY = 0;
  for (let body = 0; body < bodies; body++) {
    const dx = x - bodyX[body]!;
    const dy = y - bodyY[body]!;
    const q = 1 / (1 + dx * dx + dy * dy);
    const weight = bodyWeight[body]! * q;
    sumQ += weight;
    const force = weight * q;
    forceX += force * dx;
    forceY += force * dy;
  }
  out[at] = forceX;
  out[at + 1] = forceY;
  return sumQ;
}

/** The space tree as the calling thread publishes it to the workers (shared arrays). */
export interface SharedSpaceTree {
  nodeValues: Float64Array;
  nodeLinks: Int32Array;
  order: Int32Array;
  orderX: Float64Array;
  orderY: Float64Array;
  groupBounds: Int32Array;
  /** [node count, depth, group count]. */
  info: Int32Array;
}

export interface GradientArgs extends ChunkedArgs {
  rows: number;
  /** Embedding, rows×2, original order (shared; each thread copies it). */
  positions: Float64Array;
  theta: number;
  leafSize: number;
  groupSize: number;
  /** Where the calling thread publishes its tree (then sets cursor slot 6). */
  sharedTree: SharedSpaceTree;
  /** Rows per chunk of the attraction phase (`chunk` is in point groups, for the repulsion phase). */
  rowChunk: number;
  /** Outputs, rows×2: Σ_j q̃ij²(yi − yj) and Σ_j pij q̃ij (yi − yj), with q̃ = 1 / (1 + d²). */
  repulsion: Float64Array;
  attraction: Float64Array;
  /** Output per chunk of groups: Σ q̃ij over the chunk's points. */
  zSums: Float64Array;
  /** Output per chunk of rows: Σ pij ln(1 + dij²) (only when `withKl` is 1). */
  klSums: Float64Array;
  withKl: number;
}

/**
 * Repulsive forces by Barnes–Hut and attractive forces over the sparse P (`state.affinities`).
 * The calling thread builds the tree and publishes it (`sharedTree`, then cursor slot 6); workers
 * copy it into private arrays, which read faster than shared ones. Then every thread takes chunks
 * of point groups (cursor slot 0), then chunks of rows of P (slot 1), counting finished chunks in
 * slot 4. A worker that comes when all work is claimed returns at once.
 *
 * Repulsion: each group walks the tree once (Barnes' 1990 grouping): a node counts as one body at
 * its centre of mass when its squared distance from the group's bounding box exceeds its r² (its
 * size² / θ²), which then holds for every point of the group, so the approximation is never coarser
 * than a walk per point; a leaf that is too close contributes its points one by one; a node that
 * holds the whole group is always opened. The resulting list of bodies is then summed for each
 * point in a branch-free loop. A group's own points are in its list; each point's self-term
 * (q̃ = 1, no force) is taken back out.
 *
 * Attraction: rows in their own order, so the embedding is read mostly in order.
 */
export function gradientKernel(args: GradientArgs, state: KernelState): void {
  const { rows, theta, leafSize, groupSize, sharedTree, cursor, chunk, rowChunk } = args;
  const { repulsion, attraction, zSums, klSums, withKl } = args;
  const { rowStarts, columns, values } = state.affinities!;
  const caller = state.caller === true;
  // Threads claim the row phase only after the group phase is used up.
  if (!caller && Atomics.load(cursor, 1) >= rows) return;
  let tree = state.tree;
  if (tree === undefined || tree.rows !== rows) {
    tree = createSpaceTree(rows);
    state.tree = tree;
  }
  tree.positions.set(args.positions);
  if (caller) {
    buildSpaceTree(tree, theta, leafSize, groupSize);
    sharedTree.nodeValues.set(tree.nodeValues.subarray(0, 4 * tree.nodeCount));
    sharedTree.nodeLinks.set(tree.nodeLinks.subarray(0, 4 * tree.nodeCount));
    sharedTree.order.set(tree.order);
    sharedTree.orderX.set(tree.orderX);
    sharedTree.orderY.set(tree.orderY);
    sharedTree.groupBounds.set(tree.groupBounds.subarray(0, tree.groupCount + 1));
    sharedTree.info[0] = tree.nodeCount;
    sharedTree.info[1] = tree.depth;
    sharedTree.info[2] = tree.groupCount;
    Atomics.store(cursor, 6, 1);
    Atomics.notify(cursor, 6);
  } else {
    // Wait for the tree (or for a failure on the calling thread, slot 5).
    while (Atomics.load(cursor, 6) === 0 && Atomics.load(cursor, 5) === 0) Atomics.wait(cursor, 6, 0, 50);
    if (Atomics.load(cursor, 5) !== 0 || Atomics.load(cursor, 1) >= rows) return;
    const [nodeCount, depth, groupCount] = [sharedTree.info[0]!, sharedTree.info[1]!, sharedTree.info[2]!];
    tree.nodeValues.set(sharedTree.nodeValues.subarray(0, 4 * nodeCount));
    tree.nodeLinks.set(sharedTree.nodeLinks.subarray(0, 4 * nodeCount));
    tree.order.set(sharedTree.order);
    tree.orderX.set(sharedTree.orderX);
    tree.orderY.set(sharedTree.orderY);
    tree.groupBounds.set(sharedTree.groupBounds.subarray(0, groupCount + 1));
    tree.nodeCount = nodeCount;
    tree.depth = depth;
    tree.groupCount = groupCount;
  }
  const positions = tree.positions;
  const { nodeValues, nodeLinks, order, orderX, orderY, groupBounds, groupCount } = tree;
  const stack = new Int32Array(3 * tree.depth + 8);
  let bodyX = new Float64Array(2048);
  let bodyY = new Float64Array(2048);
  let bodyWeight = new Float64Array(2048);
  for (;;) {
    const first = Atomics.add(cursor, 0, chunk);
    if (first >= groupCount) break;
    const last = Math.min(groupCount, first + chunk);
    let chunkQ = 0;
    for (let group = first; group < last; group++) {
      const begin = groupBounds[group]!;
      const end = groupBounds[group + 1]!;
      let minX = Number.POSITIVE_INFINITY;
      let minY = Number.POSITIVE_INFINITY;
      let maxX = Number.NEGATIVE_INFINITY;
      let maxY = Number.NEGATIVE_INFINITY;
      for (let position = begin; position < end; position++) {
        const x = orderX[position]!;
        const y = orderY[position]!;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        if (y > maxY) maxY = y;
      }
      let bodies = 0;
      let top = 0;
      stack[top++] = 0;
      while (top > 0) {
        const node = stack[--top]!;
        const base = node * 4;
        const nodeBegin = nodeLinks[base + 2]!;
        const nodeEnd = nodeLinks[base + 3]!;
        // Make room for the largest possible addition (a leaf's points or one body).
        if (bodies + (nodeEnd - nodeBegin) > bodyX.length) {
          const capacity = 2 * (bodies + (nodeEnd - nodeBegin));
          const grownX = new Float64Array(capacity);
          const grownY = new Float64Array(capacity);
          const grownWeight = new Float64Array(capacity);
          grownX.set(bodyX.subarray(0, bodies));
          grownY.set(bodyY.subarray(0, bodies));
          grownWeight.set(bodyWeight.subarray(0, bodies));
          bodyX = grownX;
          bodyY = grownY;
          bodyWeight = grownWeight;
        }
        if (nodeBegin > begin || nodeEnd < end) {
          const centreX = nodeValues[base]!;
          const centreY = nodeValues[base + 1]!;
          const gapX = centreX < minX ? minX - centreX : centreX > maxX ? centreX - maxX : 0;
          const gapY = centreY < minY ? minY - centreY : centreY > maxY ? centreY - maxY : 0;
          if (gapX * gapX + gapY * gapY > nodeValues[base + 2]!) {
            bodyX[bodies] = centreX;
            bodyY[bodies] = centreY;
            bodyWeight[bodies] = nodeValues[base + 3]!;
            bodies++;
            continue;
          }
        }
        const firstChild = nodeLinks[base]!;
        const endChild = nodeLinks[base + 1]!;
        if (firstChild === endChild) {
          for (let other = nodeBegin; other < nodeEnd; other++) {
            bodyX[bodies] = orderX[other]!;
            bodyY[bodies] = orderY[other]!;
            bodyWeight[bodies] = 1;
            bodies++;
          }
        } else {
          for (let child = firstChild; child < endChild; child++) stack[top++] = child;
        }
      }
      for (let position = begin; position < end; position++) {
        const point = order[position]!;
        chunkQ +=
          sumBodies(
            bodyX,
            bodyY,
            bodyWeight,
            bodies,
            orderX[position]!,
            orderY[position]!,
            repulsion,
            2 * point,
          ) - 1;
      }
    }
    zSums[Math.floor(first / chunk)] = chunkQ;
    Atomics.add(cursor, 4, 1);
    Atomics.notify(cursor, 4);
  }
  for (;;) {
    const start = Atomics.add(cursor, 1, rowChunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + rowChunk);
    let chunkKl = 0;
    for (let point = start; point < end; point++) {
      const x = positions[2 * point]!;
      const y = positions[2 * point + 1]!;
      let pullX = 0;
      let pullY = 0;
      const rowEnd = rowStarts[point + 1]!;
      if (withKl === 1) {
        for (let entry = rowStarts[point]!; entry < rowEnd; entry++) {
          const other = columns[entry]!;
          const dx = x - positions[2 * other]!;
          const dy = y - positions[2 * other + 1]!;
          const d2 = dx * dx + dy * dy;
          const weight = values[entry]! / (1 + d2);
          pullX += weight * dx;
          pullY += weight * dy;
          chunkKl += values[entry]! * Math.log1p(d2);
        }
      } else {
        for (let entry = rowStarts[point]!; entry < rowEnd; entry++) {
          const other = columns[entry]!;
          const dx = x - positions[2 * other]!;
          const dy = y - positions[2 * other + 1]!;
          // Same expression as above, so that asking for the KL changes no bit of the gradient.
          const d2 = dx * dx + dy * dy;
          const weight = values[entry]! / (1 + d2);
          pullX += weight * dx;
          pullY += weight * dy;
        }
      }
      attraction[2 * point] = pullX;
      attraction[2 * point + 1] = pullY;
    }
    klSums[Math.floor(start / rowChunk)] = chunkKl;
    Atomics.add(cursor, 4, 1);
    Atomics.notify(cursor, 4);
  }
}

/** Kernels a worker can run, by name. */
export const KERNELS = {
  covariance: covarianceKernel,
  project: projectKernel,
  exactKnn: exactKnnKernel,
  nearestCentroids: nearestCentroidsKernel,
  cellJoin: cellJoinKernel,
  sortRows: sortRowsKernel,
  refineKnn: refineKnnKernel,
  calibrate: calibrateKernel,
  gradient: gradientKernel,
} as const;

/** Functions the kernels call, which a worker's source must also define. */
export const KERNEL_HELPERS = [
  heapOffer,
  dotTile4x2,
  sortRow,
  squaredDistance,
  createSpaceTree,
  buildSpaceTree,
  sumBodies,
] as const;

export type KernelName = keyof typeof KERNELS;
export type KernelArgs<Name extends KernelName> = Parameters<(typeof KERNELS)[Name]>[0];
