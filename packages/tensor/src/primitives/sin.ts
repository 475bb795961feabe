import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { cos } from "./cos.js";
import { mul } from "./mul.js";

/** The `sin` primitive. */
export const sinP = /* @__PURE__ */ defineUnary("sin", Math.sin, {});

/** VJP rule of `sin` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const sinVjpRule: VjpRule<"sin"> = (g, [x], _y) => [mul(g, cos(x))];

/**
 * Elementwise sine (radians).
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * sin([0]).toArray(); // → [0]
 */
export function sin(x: TensorLike): Tensor {
  return bind1(sinP, x);
}
