import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { add } from "./add.js";
import { mul } from "./mul.js";

/** The `expm1` primitive. */
export const expm1P = /* @__PURE__ */ defineUnary("expm1", Math.expm1, {});

/** VJP rule of `expm1` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const expm1VjpRule: VjpRule<"expm1"> = (g, [_x], y) => [mul(g, add(y, 1))];

/**
 * Elementwise eˣ − 1, accurate near zero.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * expm1([0]).toArray(); // → [0]
 */
export function expm1(x: TensorLike): Tensor {
  return bind1(expm1P, x);
}
