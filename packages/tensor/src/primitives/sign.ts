import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `sign` primitive. */
export const signP = /* @__PURE__ */ defineUnary("sign", (x) => (x > 0 ? 1 : x < 0 ? -1 : x), {
  nondiff: true,
  out: "same",
});

/**
 * Elementwise sign: −1, 0 or 1 (NaN stays NaN); a constant for autodiff.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * sign([-3, 0, 2]).toArray(); // → [-1, 0, 1]
 */
export function sign(x: TensorLike): Tensor {
  return bind1(signP, x);
}
