import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
import { sin } from "./sin.js";

/** The `cos` primitive. */
export const cosP = /* @__PURE__ */ defineUnary("cos", Math.cos, {});

/** VJP rule of `cos` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const cosVjpRule: VjpRule<"cos"> = (g, [x], _y) => [neg(mul(g, sin(x)))];

/**
 * Elementwise cosine (radians).
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * cos([0]).toArray(); // → [1]
 */
export function cos(x: TensorLike): Tensor {
  return bind1(cosP, x);
}
