import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `logicalNot` primitive. */
export const logicalNotP = /* @__PURE__ */ defineUnary("logicalNot", (x) => (x ? 0 : 1), {
  nondiff: true,
  out: "bool",
});

/**
 * Elementwise logical not (non-zero is true), as a bool tensor.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * logicalNot([true, false]).toArray(); // → [false, true]
 */
export function logicalNot(x: TensorLike): Tensor {
  return bind1(logicalNotP, x);
}
