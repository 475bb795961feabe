import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { SQRT_2PI } from "../special/constants.js";
import { ndtriScalar } from "../special/ndtri.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";

/** The `ndtri` primitive. */
export const ndtriP = /* @__PURE__ */ defineUnary("ndtri", ndtriScalar, {});

/** VJP rule of `ndtri` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const ndtriVjpRule: VjpRule<"ndtri"> = (g, [_x], y) => [
  mul(g, mul(exp(mul(mul(y, y), 0.5)), SQRT_2PI)),
];

/**
 * Elementwise inverse of the standard normal CDF Φ⁻¹(p) (−∞ at 0, +∞ at 1, NaN outside [0, 1]).
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * ndtri([0.5]).toArray(); // → [0]
 */
export function ndtri(x: TensorLike): Tensor {
  return bind1(ndtriP, x);
}
