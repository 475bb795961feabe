import type { TypedArray } from "../core/dtype.js";

/**
 * Copies a strided view of `src` into a strided view of `dst` over the index space `shape` (row-major order).
 * Strides may be 0 (broadcast) and offsets give the view's origin.
 */
export function copyStrided(
  src: TypedArray,
  srcOffset: number,
  srcStrides: readonly number[],
  dst: TypedArray,
  dstOffset: number,
  dstStrides: readonly number[],
  shape: readonly number[],
): void {
  const r = shape.length;
  let total = 1;
  for (let i = 0; i < r; i++) total *= shape[i];
  if (total === 0) return;
  if (r === 0) {
    dst[dstOffset] = src[srcOffset];
    return;
  }
  const idx = new Array<number>(r).fill(0);
  const last = r - 1;
  const n = shape[last];
  const ss = srcStrides[last];
  const ds = dstStrides[last];
  let si = srcOffset;
  let di = dstOffset;
  for (;;) {
    for (let k = 0; k < n; k++) dst[di + k * ds] = src[si + k * ss];
    let ax = last - 1;
    while (ax >= 0) {
      idx[ax]++;
      si += srcStrides[ax];
      di += dstStrides[ax];
      if (idx[ax] < shape[ax]) break;
      si -= srcStrides[ax] * shape[ax];
      di -= dstStrides[ax] * shape[ax];
      idx[ax] = 0;
      ax--;
    }
    if (ax < 0) return;
  }
}

/** Product of `shape[from..to)`. */
export function prodRange(shape: readonly number[], from: number, to: number): number {
  let p = 1;
  for (let i = from; i < to; i++) p *= shape[i];
  return p;
}
