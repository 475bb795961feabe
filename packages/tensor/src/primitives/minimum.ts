import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { minmaxVjp } from "../internal/binary-vjps.js";
import { bind2, defineBinary } from "../internal/elementwise.js";
import { lt } from "./lt.js";

/** The `minimum` primitive (operands of identical shape and dtype). */
export const minimumP = /* @__PURE__ */ defineBinary(
  "minimum",
  (a, b) => (a <= b || Number.isNaN(a) ? a : b),
  {},
);

/** VJP rule of `minimum` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const minimumVjpRule: VjpRule<"minimum"> = (g, [x, y], _out) => minmaxVjp(g, x, y, lt);

/**
 * Elementwise minimum (NaN propagates from x); at ties the gradient is split equally.
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * minimum([1, 5], 3).toArray(); // → [1, 3]
 */
export function minimum(x: TensorLike, y: TensorLike): Tensor {
  return bind2(minimumP, x, y);
}
