import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { TWO_OVER_SQRT_PI } from "../special/constants.js";
import { erfcScalar } from "../special/erf.js";
import { exp } from "./exp.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";

/** The `erfc` primitive. */
export const erfcP = /* @__PURE__ */ defineUnary("erfc", erfcScalar, {});

/** VJP rule of `erfc` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const erfcVjpRule: VjpRule<"erfc"> = (g, [x], _y) => [
  mul(g, mul(exp(neg(mul(x, x))), -TWO_OVER_SQRT_PI)),
];

/**
 * Elementwise complementary error function 1 − erf(x), accurate in the right tail.
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * erfc([0]).toArray(); // → [1]
 */
export function erfc(x: TensorLike): Tensor {
  return bind1(erfcP, x);
}
