import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `neg` primitive. */
export const negP = /* @__PURE__ */ defineUnary("neg", (x) => -x, {
  vjp: (g, [_x], _y) => [neg(g)],
  out: "same",
});

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
