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

/** As `heapOffer`, but skips an index already in the heap. */
export function heapOfferUnique(
  distances: Float64Array,
  indices: Int32Array,
  offset: number,
  k: number,
  distance: number,
  index: number,
): void {
  if (!(distance < distances[offset]!)) return;
  for (let slot = offset; slot < offset + k; slot++) if (indices[slot] === index) return;
  heapOffer(distances, indices, offset, k, distance, index);
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

// ---------------------------------------------------------------------------------------------------
// PCA.

export interface CovarianceArgs extends ChunkedArgs {
  /** Centred data is `state.columns`, column-major (`dims` columns of `rows` values). */
  rows: number;
  dims: number;
  /** Output, dims×dims; rows `a` get entries `b >= a` (the caller mirrors them). */
  covariance: Float64Array;
}

/** Xᵀ·X of centred data, a chunk of 4 output rows at a time, samples in cache-sized blocks. */
export function covarianceKernel(args: CovarianceArgs, state: KernelState): void {
  const { rows, dims, covariance, cursor } = args;
  const columns = state.columns!;
  const sampleBlock = 2048;
  const sums = new Float64Array(4 * dims);
  for (;;) {
    const a0 = Atomics.add(cursor, 0, 4);
    if (a0 >= dims) break;
    const quad = Math.min(4, dims - a0);
    sums.fill(0);
    for (let s0 = 0; s0 < rows; s0 += sampleBlock) {
      const s1 = Math.min(rows, s0 + sampleBlock);
      const c0 = a0 * rows;
      const c1 = quad > 1 ? c0 + rows : c0;
      const c2 = quad > 2 ? c1 + rows : c1;
      const c3 = quad > 3 ? c2 + rows : c2;
      for (let b = a0; b < dims; b++) {
        const cb = b * rows;
        let sum0 = 0;
        let sum1 = 0;
        let sum2 = 0;
        let sum3 = 0;
        for (let s = s0; s < s1; s++) {
          const value = columns[cb + s]!;
          sum0 += columns[c0 + s]! * value;
          sum1 += columns[c1 + s]! * value;
          sum2 += columns[c2 + s]! * value;
          sum3 += columns[c3 + s]! * value;
        }
        sums[b] = sums[b]! + sum0;
        sums[dims + b] = sums[dims + b]! + sum1;
        sums[2 * dims + b] = sums[2 * dims + b]! + sum2;
        sums[3 * dims + b] = sums[3 * dims + b]! + sum3;
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
  /** dims×components, row-major. */
  components: Float64Array;
  componentCount: number;
  /** Output, rows×components, row-major. */
  projected: Float64Array;
}

/** Projects centred column-major data onto principal axes, `chunk` rows at a time. */
export function projectKernel(args: ProjectArgs, state: KernelState): void {
  const { rows, dims, components, componentCount: m, projected, cursor, chunk } = args;
  const columns = state.columns!;
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    projected.fill(0, start * m, end * m);
    for (let a = 0; a < dims; a++) {
      const column = a * rows;
      const axis = a * m;
      for (let row = start; row < end; row++) {
        const value = columns[column + row]!;
        if (value === 0) continue;
        const out = row * m;
        for (let c = 0; c < m; c++) projected[out + c] = projected[out + c]! + value * components[axis + c]!;
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
 * Exact k nearest neighbours of `chunk` rows (a multiple of 2) against all rows, by blocks of
 * columns and 2×2 tiles of dot products (|a|² + |b|² − 2a·b); the kept distances are recomputed
 * directly at the end.
 */
export function exactKnnKernel(args: ExactKnnArgs, state: KernelState): void {
  const { k, indices, distances, cursor, chunk } = args;
  const { data, norms, rows, dims } = state.points!;
  const columnBlock = 256;
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    distances.fill(Number.POSITIVE_INFINITY, start * k, end * k);
    indices.fill(-1, start * k, end * k);
    for (let c0 = 0; c0 < rows; c0 += columnBlock) {
      const c1 = Math.min(rows, c0 + columnBlock);
      let row = start;
      for (; row + 1 < end; row += 2) {
        const a0 = row * dims;
        const a1 = a0 + dims;
        const n0 = norms[row]!;
        const n1 = norms[row + 1]!;
        const h0 = row * k;
        const h1 = h0 + k;
        let column = c0;
        for (; column + 1 < c1; column += 2) {
          const b0 = column * dims;
          const b1 = b0 + dims;
          let s00 = 0;
          let s01 = 0;
          let s10 = 0;
          let s11 = 0;
          for (let dim = 0; dim < dims; dim++) {
            const u0 = data[a0 + dim]!;
            const u1 = data[a1 + dim]!;
            const v0 = data[b0 + dim]!;
            const v1 = data[b1 + dim]!;
            s00 += u0 * v0;
            s01 += u0 * v1;
            s10 += u1 * v0;
            s11 += u1 * v1;
          }
          const m0 = norms[column]!;
          const m1 = norms[column + 1]!;
          const d00 = n0 + m0 - 2 * s00;
          const d01 = n0 + m1 - 2 * s01;
          const d10 = n1 + m0 - 2 * s10;
          const d11 = n1 + m1 - 2 * s11;
          if (d00 < distances[h0]! && column !== row) heapOffer(distances, indices, h0, k, d00, column);
          if (d01 < distances[h0]! && column + 1 !== row)
            heapOffer(distances, indices, h0, k, d01, column + 1);
          if (d10 < distances[h1]! && column !== row + 1) heapOffer(distances, indices, h1, k, d10, column);
          if (d11 < distances[h1]! && column + 1 !== row + 1)
            heapOffer(distances, indices, h1, k, d11, column + 1);
        }
        if (column < c1) {
          const b0 = column * dims;
          let s00 = 0;
          let s10 = 0;
          for (let dim = 0; dim < dims; dim++) {
            const v0 = data[b0 + dim]!;
            s00 += data[a0 + dim]! * v0;
            s10 += data[a1 + dim]! * v0;
          }
          const m0 = norms[column]!;
          const d00 = n0 + m0 - 2 * s00;
          const d10 = n1 + m0 - 2 * s10;
          if (d00 < distances[h0]! && column !== row) heapOffer(distances, indices, h0, k, d00, column);
          if (d10 < distances[h1]! && column !== row + 1) heapOffer(distances, indices, h1, k, d10, column);
        }
      }
      if (row < end) {
        const a0 = row * dims;
        const n0 = norms[row]!;
        const h0 = row * k;
        for (let column = c0; column < c1; column++) {
          const b0 = column * dims;
          let s00 = 0;
          for (let dim = 0; dim < dims; dim++) s00 += data[a0 + dim]! * data[b0 + dim]!;
          const d00 = n0 + norms[column]! - 2 * s00;
          if (d00 < distances[h0]! && column !== row) heapOffer(distances, indices, h0, k, d00, column);
        }
      }
    }
    for (let row = start; row < end; row++) {
      const offset = row * k;
      for (let slot = offset; slot < offset + k; slot++)
        distances[slot] = squaredDistance(data, dims, row, indices[slot]!);
      sortRow(distances, indices, offset, k);
    }
  }
}

export interface LeafJoinArgs extends ChunkedArgs {
  /** The points are `state.points`. */
  k: number;
  /** Points of one random-projection tree in leaf order. */
  permutation: Int32Array;
  /** Start of each leaf in `permutation`, and the end as the last entry. */
  leafStarts: Int32Array;
  leafCount: number;
  /** Max-heaps, rows×k, updated in place. */
  indices: Int32Array;
  distances: Float64Array;
}

/**
 * Offers every pair of points that share a leaf to both points' heaps. One tree at a time: a point
 * is in one leaf of a tree, so no two threads touch the same heap.
 */
export function leafJoinKernel(args: LeafJoinArgs, state: KernelState): void {
  const { k, permutation, leafStarts, leafCount, indices, distances, cursor, chunk } = args;
  const { data, dims } = state.points!;
  for (;;) {
    const first = Atomics.add(cursor, 0, chunk);
    if (first >= leafCount) break;
    const last = Math.min(leafCount, first + chunk);
    for (let leaf = first; leaf < last; leaf++) {
      const begin = leafStarts[leaf]!;
      const end = leafStarts[leaf + 1]!;
      for (let p = begin; p < end; p++) {
        const a = permutation[p]!;
        const heapA = a * k;
        for (let q = p + 1; q < end; q++) {
          const b = permutation[q]!;
          const heapB = b * k;
          const distance = squaredDistance(data, dims, a, b);
          if (distance < distances[heapA]!) heapOfferUnique(distances, indices, heapA, k, distance, b);
          if (distance < distances[heapB]!) heapOfferUnique(distances, indices, heapB, k, distance, a);
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
}

export function sortRowsKernel(args: SortRowsArgs): void {
  const { rows, k, indices, distances, cursor, chunk } = args;
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    for (let row = start; row < end; row++) sortRow(distances, indices, row * k, k);
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
  const { rows, k, distances, targetEntropy, tolerance, maxSteps, conditional, betas, cursor, chunk } = args;
  for (;;) {
    const start = Atomics.add(cursor, 0, chunk);
    if (start >= rows) break;
    const end = Math.min(rows, start + chunk);
    for (let row = start; row < end; row++) {
      const offset = row * k;
      let nearest = Number.POSITIVE_INFINITY;
      let mean = 0;
      for (let slot = offset; slot < offset + k; slot++) nearest = Math.min(nearest, distances[slot]!);
      for (let slot = offset; slot < offset + k; slot++) mean += distances[slot]! - nearest;
      mean /= k;
      // Distances are shifted by the nearest one, which leaves the distribution unchanged.
      let beta = mean > 0 ? 1 / mean : 1;
      let low = 0;
      let high = Number.POSITIVE_INFINITY;
      let sum = 0;
      for (let step = 0; step < maxSteps; step++) {
        sum = 0;
        let weighted = 0;
        for (let slot = offset; slot < offset + k; slot++) {
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
      for (let slot = offset; slot < offset + k; slot++) conditional[slot] = conditional[slot]! / sum;
      betas[row] = beta;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Gradient.

/**
 * A quadtree over the 2-D embedding for Barnes–Hut, private to one thread and rebuilt by every
 * thread at every gradient evaluation (each from the same positions and the same previous order,
 * so all threads hold the same tree). Each node is the tight bounding box of its points split at its
 * centre, so every internal node has at least two non-empty children and there are at most 2n − 1
 * nodes. Leaves hold up to `leafSize` points (or any number of coincident ones).
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
  /** The positions it was built from (rows×2, original order). */
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

/**
 * Rebuilds `tree` over `tree.positions`. Points start in the previous build's order, which after a
 * small step is nearly partitioned already. Deterministic: the same positions and previous order
 * give the same tree.
 */
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

  let nodeCount = 1;
  let depth = 0;
  // Group starts are marked per position, then listed in order.
  const groupStart = new Uint8Array(rows);
  if (rows <= groupSize) groupStart[0] = 1;
  nodeLinks[2] = 0;
  nodeLinks[3] = rows;
  // Stack of (node, depth) to fill in.
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
    let sumX = 0;
    let sumY = 0;
    for (let position = begin; position < end; position++) {
      const x = orderX[position]!;
      const y = orderY[position]!;
      sumX += x;
      sumY += y;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    const count = end - begin;
    const size = Math.max(maxX - minX, maxY - minY);
    nodeValues[base] = sumX / count;
    nodeValues[base + 1] = sumY / count;
    nodeValues[base + 2] = count === 1 ? 0 : size * size * inverseTheta2;
    nodeValues[base + 3] = count;
    const midX = (minX + maxX) / 2;
    const midY = (minY + maxY) / 2;
    // A box too small to split in floating point is a leaf however many points it holds.
    if (count <= leafSize || size === 0 || !(midX > minX || midY > minY)) {
      if (count > groupSize) groupStart[begin] = 1;
      nodeLinks[base] = 0;
      nodeLinks[base + 1] = 0;
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

export interface GradientArgs extends ChunkedArgs {
  rows: number;
  /** Embedding, rows×2, original order (shared; each thread copies it). */
  positions: Float64Array;
  theta: number;
  leafSize: number;
  groupSize: number;
  /** Outputs, rows×2: Σ_j q̃ij²(yi − yj) and Σ_j pij q̃ij (yi − yj), with q̃ = 1 / (1 + d²). */
  repulsion: Float64Array;
  attraction: Float64Array;
  /** Output per chunk of groups: [Σ q̃ij, Σ pij ln(1 + dij²)] (the second only when `withKl` is 1). */
  chunkSums: Float64Array;
  /** Output: [group count] of this build, to know how many chunks there were. */
  treeInfo: Int32Array;
  withKl: number;
}

/**
 * Repulsive forces by Barnes–Hut and attractive forces over the sparse P (`state.affinities`).
 * Every thread first rebuilds its own tree from the positions, then takes chunks of point groups.
 * Each group walks the tree once (Barnes' 1990 grouping): a node counts as one body at its centre
 * of mass when its squared distance from the group's bounding box exceeds its r² (its
 * size² / θ²), which then holds for every point of the group, so the approximation is never coarser
 * than a walk per point; a leaf that is too close contributes its points one by one; a node that
 * holds the whole group is always opened. The resulting list of bodies is then summed for each
 * point in a branch-free loop. A group's own points are in its list; each point's self-term
 * (q̃ = 1, no force) is taken back out.
 */
export function gradientKernel(args: GradientArgs, state: KernelState): void {
  const { rows, theta, leafSize, groupSize, cursor, chunk } = args;
  const { repulsion, attraction, chunkSums, treeInfo, withKl } = args;
  const { rowStarts, columns, values } = state.affinities!;
  let tree = state.tree;
  if (tree === undefined || tree.rows !== rows) {
    tree = createSpaceTree(rows);
    state.tree = tree;
  }
  const positions = tree.positions;
  positions.set(args.positions);
  buildSpaceTree(tree, theta, leafSize, groupSize);
  const { nodeValues, nodeLinks, order, orderX, orderY, groupBounds, groupCount } = tree;
  treeInfo[0] = groupCount;
  const stack = new Int32Array(3 * tree.depth + 8);
  let bodyX = new Float64Array(2048);
  let bodyY = new Float64Array(2048);
  let bodyWeight = new Float64Array(2048);
  for (;;) {
    const first = Atomics.add(cursor, 0, chunk);
    if (first >= groupCount) break;
    const last = Math.min(groupCount, first + chunk);
    let chunkQ = 0;
    let chunkKl = 0;
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
        const x = orderX[position]!;
        const y = orderY[position]!;
        chunkQ += sumBodies(bodyX, bodyY, bodyWeight, bodies, x, y, repulsion, 2 * point) - 1;
        let pullX = 0;
        let pullY = 0;
        const rowEnd = rowStarts[point + 1]!;
        for (let entry = rowStarts[point]!; entry < rowEnd; entry++) {
          const other = columns[entry]!;
          const dx = x - positions[2 * other]!;
          const dy = y - positions[2 * other + 1]!;
          const d2 = dx * dx + dy * dy;
          const weight = values[entry]! / (1 + d2);
          pullX += weight * dx;
          pullY += weight * dy;
          if (withKl === 1) chunkKl += values[entry]! * Math.log1p(d2);
        }
        attraction[2 * point] = pullX;
        attraction[2 * point + 1] = pullY;
      }
    }
    const chunkIndex = Math.floor(first / chunk);
    chunkSums[2 * chunkIndex] = chunkQ;
    chunkSums[2 * chunkIndex + 1] = chunkKl;
  }
}

/** Kernels a worker can run, by name. */
export const KERNELS = {
  covariance: covarianceKernel,
  project: projectKernel,
  exactKnn: exactKnnKernel,
  leafJoin: leafJoinKernel,
  sortRows: sortRowsKernel,
  refineKnn: refineKnnKernel,
  calibrate: calibrateKernel,
  gradient: gradientKernel,
} as const;

/** Functions the kernels call, which a worker's source must also define. */
export const KERNEL_HELPERS = [
  heapOffer,
  heapOfferUnique,
  sortRow,
  squaredDistance,
  createSpaceTree,
  buildSpaceTree,
  sumBodies,
] as const;

export type KernelName = keyof typeof KERNELS;
export type KernelArgs<Name extends KernelName> = Parameters<(typeof KERNELS)[Name]>[0];
