import { ShapeError } from "../core/errors.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { fmt, shapesEqual, sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";

/** The `reshape` primitive (same number of elements; shares the buffer on the js backend). */
export const reshapeP = /* @__PURE__ */ definePrimitive("reshape", {
  shape: (ins, p) => {
    if (sizeOf(ins[0].shape) !== sizeOf(p.shape))
      throw new ShapeError(
        "reshape-size",
        `reshape: cannot reshape ${fmt(ins[0].shape)} into ${fmt(p.shape)}.`,
      );
    return p.shape;
  },
  dtype: (ins) => ins[0].dtype,
  kernel: ([x]) => arr(x),
});

/** VJP rule of `reshape` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const reshapeVjpRule: VjpRule<"reshape"> = (g, [x]) => [reshape(g, x.shape)];

/**
 * Gives `x` a new shape with the same number of elements (row-major); one entry may be −1 (inferred).
 * @throws ShapeError when the sizes differ or more than one entry is −1.
 * @example
 * reshape([1, 2, 3, 4], [2, -1]).shape; // → [2, 2]
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor(x);
  let s = shape as number[];
  const neg = shape.indexOf(-1);
  if (neg >= 0) {
    if (shape.lastIndexOf(-1) !== neg)
      throw new ShapeError("reshape-size", `reshape: only one -1 is allowed, got ${fmt(shape)}.`);
    const rest = -sizeOf(shape);
    const n = sizeOf(t.shape);
    if (rest === 0 || n % rest !== 0)
      throw new ShapeError("reshape-size", `reshape: cannot reshape ${fmt(t.shape)} into ${fmt(shape)}.`);
    s = [...shape];
    s[neg] = n / rest;
  }
  if (shapesEqual(t.shape, s)) return t;
  return bind(reshapeP, [t], { shape: [...s] });
}
