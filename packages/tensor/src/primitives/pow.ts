import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { powVjp } from "../internal/binary-vjps.js";
import { bind2, defineBinary } from "../internal/elementwise.js";

/** The `pow` primitive (operands of identical shape and dtype). */
export const powP = /* @__PURE__ */ defineBinary("pow", Math.pow, {});

/** VJP rule of `pow` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const powVjpRule: VjpRule<"pow"> = (g, [x, y], out) => powVjp(g, x, y, out);

/**
 * Elementwise power xʸ with NumPy broadcasting.
 * @param x - tensor or JS number/array.
 * @param y - tensor or JS number/array; broadcast against `x`.
 * @returns a tensor of the broadcast shape.
 * @throws ShapeError naming both shapes when they do not broadcast.
 * @example
 * pow([2, 3], 2).toArray(); // → [4, 9]
 */
export function pow(x: TensorLike, y: TensorLike): Tensor {
  return bind2(powP, x, y);
}
