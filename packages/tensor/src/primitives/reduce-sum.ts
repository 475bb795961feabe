import { allocate } from "../core/dtype.js";
import { arr, definePrimitive, type VjpRule } from "../core/primitive.js";
import { sizeOf } from "../core/shape.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { normAxes, reducedShape, reduceInto } from "../internal/reduce.js";
import { broadcastTo } from "./broadcast-to.js";
import { reshape } from "./reshape.js";

/** Reshapes a reduced cotangent back to keepDims form and broadcasts it to `shape`. */
export function expandReduced(g: Tensor, shape: readonly number[], axes: readonly number[]): Tensor {
  return broadcastTo(reshape(g, reducedShape(shape, axes, true)), shape);
}

/** The `reduceSum` primitive (bool sums to int32). */
export const reduceSumP = /* @__PURE__ */ definePrimitive("reduceSum", {
  shape: (ins, p) => reducedShape(ins[0].shape, p.axes, p.keepDims),
  dtype: (ins) => (ins[0].dtype === "bool" ? "int32" : ins[0].dtype),
  kernel: ([x], p, shape, dtype) => {
    const out = allocate(dtype, sizeOf(shape));
    reduceInto(arr(x), x.shape, p.axes, out, 0, (a, v) => a + v);
    return out;
  },
});

/** VJP rule of `reduceSum` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const reduceSumVjpRule: VjpRule<"reduceSum"> = (g, [x], _y, p) => [expandReduced(g, x.shape, p.axes)];

/**
 * Sum over `axis` (a number, a list, or all axes when omitted).
 * @param keepDims - keep reduced axes with length 1.
 * @example
 * sum([[1, 2], [3, 4]], 0).toArray(); // → [4, 6]
 */
export function sum(x: TensorLike, axis?: number | readonly number[] | null, keepDims = false): Tensor {
  const t = toTensor(x);
  const axes = normAxes(axis, t.shape.length, "sum");
  if (axes.length === 0 && t.dtype !== "bool") return t;
  return bind(reduceSumP, [t], { axes, keepDims });
}
