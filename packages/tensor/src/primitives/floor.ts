import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";

/** The `floor` primitive. */
export const floorP = /* @__PURE__ */ defineUnary("floor", Math.floor, { nondiff: true, out: "same" });

/**
 * Elementwise floor; a constant for autodiff.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * floor([1.5]).toArray(); // → [1]
 */
export function floor(x: TensorLike): Tensor {
  return bind1(floorP, x);
}
