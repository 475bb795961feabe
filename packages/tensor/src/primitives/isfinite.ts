import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `isfinite` primitive. */
export const isfiniteP = /* @__PURE__ */ defineUnary("isfinite", (x) => (Number.isFinite(x) ? 1 : 0), {
  nondiff: true,
  out: "bool",
});

/**
 * Elementwise test for finite values, as a bool tensor.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * isfinite([Infinity, 1]).toArray(); // → [false, true]
 */
export function isfinite(x: TensorLike): Tensor {
  return bind1(isfiniteP, x);
}
