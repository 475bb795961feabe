import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { lgammaScalar } from "../special/lgamma.js";
import { digamma } from "./digamma.js";
import { mul } from "./mul.js";

/** The `lgamma` primitive. */
export const lgammaP = /* @__PURE__ */ defineUnary("lgamma", lgammaScalar, {});

/** VJP rule of `lgamma` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const lgammaVjpRule: VjpRule<"lgamma"> = (g, [x], _y) => [mul(g, digamma(x))];

/**
 * Elementwise log |Γ(x)| (+∞ at non-positive integers). Relative error ≤ 1e-13 for x > 0 (vs scipy.special.gammaln).
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * lgamma([1, 2, 5]).toArray(); // → [0, 0, 3.1780538303479458]
 */
export function lgamma(x: TensorLike): Tensor {
  return bind1(lgammaP, x);
}
