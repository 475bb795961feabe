import type { VjpRule } from "../core/primitive.js";
import type { Tensor, TensorLike } from "../core/tensor.js";
import { bind1, defineUnary } from "../internal/elementwise.js";
import { digammaScalar } from "../special/digamma.js";
import { mul } from "./mul.js";
import { polygamma } from "./polygamma.js";

/** The `digamma` primitive. */
export const digammaP = /* @__PURE__ */ defineUnary("digamma", digammaScalar, {});

/** VJP rule of `digamma` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const digammaVjpRule: VjpRule<"digamma"> = (g, [x], _y) => [mul(g, polygamma(1, x))];

/**
 * Elementwise digamma ψ(x) = d/dx log Γ(x) (NaN at non-positive integers).
 * @param x - tensor of any shape.
 * @returns a tensor of the same shape.
 * @example
 * digamma([1]).toArray(); // → [-0.5772156649015329]
 */
export function digamma(x: TensorLike): Tensor {
  return bind1(digammaP, x);
}
