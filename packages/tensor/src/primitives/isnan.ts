import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `isnan` primitive. */
export const isnanP = /* @__PURE__ */ defineUnary("isnan", (x) => (Number.isNaN(x) ? 1 : 0), {
  nondiff: true,
  out: "bool",
});

/**
 * Elementwise test for NaN, as a bool tensor.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * isnan([NaN, 1]).toArray(); // → [true, false]
 */
export function isnan(x: TensorLike): Tensor {
  return bind1(isnanP, x);
}
