import { allocate } from "../core/dtype.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { normAxes, reducedShape, reduceInto } from "../internal/reduce.js";
import { div } from "./div.js";
import { mul } from "./mul.js";
import { expandReduced } from "./reduce-sum.js";

/** The `reduceProd` primitive (its VJP divides by x, so it assumes non-zero entries). */
export const reduceProdP = /* @__PURE__ */ definePrimitive("reduceProd", {
  shape: (ins, p) => reducedShape(ins[0].shape, p.axes, p.keepDims),
  dtype: (ins) => (ins[0].dtype === "bool" ? "int32" : ins[0].dtype),
  kernel: ([x], p, shape, dtype) => {
    const out = allocate(dtype, sizeOf(shape));
    reduceInto(arr(x), x.shape, p.axes, out, 1, (a, v) => a * v);
    return out;
  },
});

/** VJP rule of `reduceProd` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const reduceProdVjpRule: VjpRule<"reduceProd"> = (g, [x], y, p) => [
  div(mul(expandReduced(g, x.shape, p.axes), expandReduced(y, x.shape, p.axes)), x),
];

/**
 * Product over `axis` (a number, a list, or all axes when omitted). Its gradient assumes non-zero entries.
 * @example
 * prod([[1, 2], [3, 4]]).item(); // → 24
 */
export function prod(x: TensorLike, axis?: number | readonly number[] | null, keepDims = false): Tensor {
  const t = toTensor(x);
  const axes = normAxes(axis, t.shape.length, "prod");
  if (axes.length === 0) return t;
  return bind(reduceProdP, [t], { axes, keepDims });
}
