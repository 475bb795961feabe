import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { minmaxVjp } from "../internal/binary-vjps.js";
import { bind2, defineBinary } from "../internal/elementwise.js";
import { gt } from "./gt.js";

/** The `maximum` primitive (operands of identical shape and dtype). */
export const maximumP = /* @__PURE__ */ defineBinary(
  "maximum",
  (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  {},
);

/** VJP rule of `maximum` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const maximumVjpRule: VjpRule<"maximum"> = (g, [x, y], _out) => minmaxVjp(g, x, y, gt);

/**
 * Elementwise maximum (NaN propagates from x); at ties the gradient is split equally.
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * maximum([1, 5], 3).toArray(); // → [3, 5]
 */
export function maximum(x: TensorLike, y: TensorLike): Tensor {
  return bind2(maximumP, x, y);
}
