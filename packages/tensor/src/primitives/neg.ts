import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `neg` primitive. */
export const negP = /* @__PURE__ */ defineUnary("neg", (x) => -x, {
  out: "same",
});

/** VJP rule of `neg` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const negVjpRule: VjpRule<"neg"> = (g, [_x], _y) => [neg(g)];

/**
 * Elementwise negation, −x.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * neg([1, -2]).toArray(); // → [-1, 2]
 */
export function neg(x: TensorLike): Tensor {
  return bind1(negP, x);
}
