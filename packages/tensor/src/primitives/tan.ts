import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { add } from "./add.js";
import { mul } from "./mul.js";

/** The `tan` primitive. */
export const tanP = /* @__PURE__ */ defineUnary("tan", Math.tan, {});

/** VJP rule of `tan` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const tanVjpRule: VjpRule<"tan"> = (g, [_x], y) => [mul(g, add(mul(y, y), 1))];

/**
 * Elementwise tangent (radians).
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * tan([0]).toArray(); // → [0]
 */
export function tan(x: TensorLike): Tensor {
  return bind1(tanP, x);
}
