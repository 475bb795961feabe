import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `ceil` primitive. */
export const ceilP = /* @__PURE__ */ defineUnary("ceil", Math.ceil, { nondiff: true, out: "same" });

/**
 * Elementwise ceiling; a constant for autodiff.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * ceil([1.5]).toArray(); // → [2]
 */
export function ceil(x: TensorLike): Tensor {
  return bind1(ceilP, x);
}
