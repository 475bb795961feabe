/**
 * Cutting a C-order array into HDF5 chunks and filtering them as HDF5's pipeline does on write: each chunk is
 * the full chunk shape (edge chunks zero-padded, as HDF5 stores them), byte-shuffled (filter 2: byte j of every
 * element together, so the sign/exponent bytes of floats sit side by side) and then zlib-deflated (filter 1).
 */

/** Element offsets of every chunk of `shape` cut into `chunks`, in C order. */
export function chunkOffsets(shape: readonly number[], chunks: readonly number[]): number[][] {
  const out: number[][] = [];
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (;;) {
    out.push(idx.map((g, i) => g * (chunks[i] as number)));
    let i = rank - 1;
    for (; i >= 0; i--) {
      idx[i] = (idx[i] as number) + 1;
      if ((idx[i] as number) * (chunks[i] as number) < (shape[i] as number)) break;
      idx[i] = 0;
    }
    if (i < 0) return out;
  }
}

/**
 * The bytes of the chunk at `offset` (full chunk shape, zero beyond the array's edge). When the chunk is one
 * contiguous, complete run of the source it is returned as a view, without copying.
 */
export function chunkBytes(
  src: Uint8Array,
  shape: readonly number[],
  item: number,
  chunks: readonly number[],
  offset: readonly number[],
): Uint8Array {
  const rank = shape.length;
  const extent = chunks.map((c, i) => Math.min(c, (shape[i] as number) - (offset[i] as number)));
  // Strides (in elements) of the source and of the chunk.
  const srcStride = new Array<number>(rank).fill(1);
  const dstStride = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) {
    srcStride[i] = (srcStride[i + 1] as number) * (shape[i + 1] as number);
    dstStride[i] = (dstStride[i + 1] as number) * (chunks[i + 1] as number);
  }
  let chunkElems = 1;
  for (const c of chunks) chunkElems *= c;
  let base = 0;
  for (let i = 0; i < rank; i++) base += (offset[i] as number) * (srcStride[i] as number);
  // Contiguous: after the first axis with extent > 1, every axis is whole and complete.
  let contiguous = true;
  let seenRun = false;
  for (let i = 0; i < rank; i++) {
    if (seenRun && (extent[i] !== shape[i] || chunks[i] !== shape[i])) contiguous = false;
    if ((extent[i] as number) > 1 || (chunks[i] as number) > 1) seenRun = true;
    if (extent[i] !== chunks[i]) contiguous = false;
  }
  if (contiguous) return src.subarray(base * item, (base + chunkElems) * item);
  const out = new Uint8Array(chunkElems * item);
  const run = (extent[rank - 1] as number) * item;
  const idx = new Array<number>(Math.max(0, rank - 1)).fill(0);
  if (extent.some((e) => e <= 0)) return out;
  for (;;) {
    let s = base;
    let d = 0;
    for (let i = 0; i < rank - 1; i++) {
      s += (idx[i] as number) * (srcStride[i] as number);
      d += (idx[i] as number) * (dstStride[i] as number);
    }
    out.set(src.subarray(s * item, s * item + run), d * item);
    let i = rank - 2;
    for (; i >= 0; i--) {
      idx[i] = (idx[i] as number) + 1;
      if ((idx[i] as number) < (extent[i] as number)) break;
      idx[i] = 0;
    }
    if (i < 0) return out;
  }
}

/** HDF5's shuffle filter: byte `j` of element `i` goes to `j * n + i`. */
export function shuffle(src: Uint8Array, item: number): Uint8Array {
  if (item <= 1) return src;
  const n = Math.floor(src.length / item);
  const out = new Uint8Array(src.length);
  if (item === 8) {
    // One pass reading each element once and writing eight planes (twice as fast as eight strided passes).
    const n2 = 2 * n;
    const n3 = 3 * n;
    const n4 = 4 * n;
    const n5 = 5 * n;
    const n6 = 6 * n;
    const n7 = 7 * n;
    for (let i = 0, s = 0; i < n; i++, s += 8) {
      out[i] = src[s] as number;
      out[n + i] = src[s + 1] as number;
      out[n2 + i] = src[s + 2] as number;
      out[n3 + i] = src[s + 3] as number;
      out[n4 + i] = src[s + 4] as number;
      out[n5 + i] = src[s + 5] as number;
      out[n6 + i] = src[s + 6] as number;
      out[n7 + i] = src[s + 7] as number;
    }
  } else if (item === 4) {
    const n2 = 2 * n;
    const n3 = 3 * n;
    for (let i = 0, s = 0; i < n; i++, s += 4) {
      out[i] = src[s] as number;
      out[n + i] = src[s + 1] as number;
      out[n2 + i] = src[s + 2] as number;
      out[n3 + i] = src[s + 3] as number;
    }
  } else {
    for (let j = 0; j < item; j++) {
      const o = j * n;
      for (let i = 0, s = j; i < n; i++, s += item) out[o + i] = src[s] as number;
    }
  }
  // Bytes past the last whole element are kept in place, as HDF5 does.
  out.set(src.subarray(n * item), n * item);
  return out;
}

/** The inverse of {@link shuffle} (for tests). */
export function unshuffle(src: Uint8Array, item: number): Uint8Array {
  if (item <= 1) return src;
  const n = Math.floor(src.length / item);
  const out = new Uint8Array(src.length);
  for (let j = 0; j < item; j++) {
    const o = j * n;
    for (let i = 0, d = j; i < n; i++, d += item) out[d] = src[o + i] as number;
  }
  out.set(src.subarray(n * item), n * item);
  return out;
}

/**
 * Runs `work` over `items` with at most `parallel` in flight, keeping the results in order.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  parallel: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
  return out;
}
