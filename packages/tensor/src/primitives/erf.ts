import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { TWO_OVER_SQRT_PI } from "../special/constants.js";
import { erfScalar } from "../special/erf.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";

/** The `erf` primitive. */
export const erfP = /* @__PURE__ */ defineUnary("erf", erfScalar, {});

/** VJP rule of `erf` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const erfVjpRule: VjpRule<"erf"> = (g, [x], _y) => [
  mul(g, mul(exp(neg(mul(x, x))), TWO_OVER_SQRT_PI)),
];

/**
 * Elementwise error function erf(x).
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * erf([0]).toArray(); // → [0]
 */
export function erf(x: TensorLike): Tensor {
  return bind1(erfP, x);
}
