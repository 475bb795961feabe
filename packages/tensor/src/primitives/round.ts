import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { roundHalfEven } from "../special/elementary.js";

/** The `round` primitive. */
export const roundP = /* @__PURE__ */ defineUnary("round", roundHalfEven, { nondiff: true, out: "same" });

/**
 * Elementwise rounding to the nearest integer, ties to even (NumPy); a constant for autodiff.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * round([0.5, 1.5, 2.4]).toArray(); // → [0, 2, 2]
 */
export function round(x: TensorLike): Tensor {
  return bind1(roundP, x);
}
