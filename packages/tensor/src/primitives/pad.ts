import { allocate } from "../core/dtype.js";
import { ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { fmt, sizeOf, stridesOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { copyStrided } from "../internal/strided.js";
import { slice } from "./slice.js";

/** The `pad` primitive: zero padding, `lo[i]` before and `hi[i]` after axis i (the transpose of `slice`). */
export const padP = /* @__PURE__ */ definePrimitive("pad", {
  shape: (ins, p) => {
    const s = ins[0].shape;
    if (
      p.lo.length !== s.length ||
      p.hi.length !== s.length ||
      [...p.lo, ...p.hi].some((v) => !(Number.isInteger(v) && v >= 0))
    )
      throw new ShapeError(
        "bad-pad",
        `pad: lo ${fmt(p.lo)} / hi ${fmt(p.hi)} must be non-negative integers, one per axis of ${fmt(s)}.`,
      );
    return s.map((d, i) => d + p.lo[i] + p.hi[i]);
  },
  dtype: (ins) => ins[0].dtype,
  kernel: ([x], p, shape, dtype) => {
    const out = allocate(dtype, sizeOf(shape));
    const os = stridesOf(shape);
    let off = 0;
    for (let i = 0; i < os.length; i++) off += p.lo[i] * os[i];
    copyStrided(arr(x), 0, stridesOf(x.shape), out, off, os, x.shape);
    return out;
  },
});

/** VJP rule of `pad` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const padVjpRule: VjpRule<"pad"> = (g, [x], _y, p) => [
  slice(
    g,
    p.lo,
    x.shape.map((d, i) => p.lo[i] + d),
  ),
];

/**
 * Pads `x` with zeros: `lo[i]` entries before and `hi[i]` after axis i.
 * @example
 * pad([1, 2], [1], [0]).toArray(); // → [0, 1, 2]
 */
export function pad(x: TensorLike, lo: readonly number[], hi: readonly number[]): Tensor {
  const t = toTensor(x);
  if (lo.every((v) => v === 0) && hi.every((v) => v === 0)) return t;
  return bind(padP, [t], { lo: [...lo], hi: [...hi] });
}
