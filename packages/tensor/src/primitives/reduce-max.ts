import { allocate } from "../core/dtype.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { normAxes, reducedShape, reduceInto } from "../internal/reduce.js";
import { cast } from "./cast.js";
import { div } from "./div.js";
import { eq } from "./eq.js";
import { mul } from "./mul.js";
import { expandReduced, sum } from "./reduce-sum.js";

/** The `reduceMax` primitive (NaN propagates; the gradient is shared equally among ties). */
export const reduceMaxP = /* @__PURE__ */ definePrimitive("reduceMax", {
  shape: (ins, p) => reducedShape(ins[0].shape, p.axes, p.keepDims),
  dtype: (ins) => ins[0].dtype,
  kernel: ([x], p, shape, dtype) => {
    const out = allocate(dtype, sizeOf(shape));
    reduceInto(arr(x), x.shape, p.axes, out, Number.NEGATIVE_INFINITY, (a, v) =>
      v > a || Number.isNaN(v) ? v : a,
    );
    return out;
  },
});

/** VJP rule of `reduceMax` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const reduceMaxVjpRule: VjpRule<"reduceMax"> = (g, [x], y, p) => {
  const mask = cast(eq(x, expandReduced(y, x.shape, p.axes)), x.dtype);
  const count = expandReduced(sum(mask, p.axes, false), x.shape, p.axes);
  return [div(mul(expandReduced(g, x.shape, p.axes), mask), count)];
};

/**
 * Maximum over `axis` (a number, a list, or all axes when omitted); NaN propagates.
 * @param keepDims - keep reduced axes with length 1.
 * @example
 * max([[1, 5], [3, 4]], 1).toArray(); // → [5, 4]
 */
export function max(x: TensorLike, axis?: number | readonly number[] | null, keepDims = false): Tensor {
  const t = toTensor(x);
  const axes = normAxes(axis, t.shape.length, "max");
  if (axes.length === 0) return t;
  return bind(reduceMaxP, [t], { axes, keepDims });
}
