import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `stopGradient` primitive. */
export const stopGradientP = /* @__PURE__ */ defineUnary("stopGradient", (x) => x, {
  nondiff: true,
  out: "same",
});

/**
 * Identity whose derivative is zero: the value passes, gradients stop here.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * stopGradient([1]).toArray(); // → [1]
 */
export function stopGradient(x: TensorLike): Tensor {
  return bind1(stopGradientP, x);
}
