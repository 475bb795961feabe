import { allocate, isFloat } from "../core/dtype.js";
import { ConstraintError } from "../core/errors.js";
import { definePrimitive, num, type VjpRule } from "../core/primitive.js";
import { type Tensor, type TensorLike, toTensor } from "../core/tensor.js";
import { bind } from "../core/trace.js";
import { polygammaScalar } from "../special/polygamma.js";
import { mul } from "./mul.js";

/** The `polygamma` primitive, ψ⁽ⁿ⁾(x) for integer n ≥ 1. */
export const polygammaP = /* @__PURE__ */ definePrimitive("polygamma", {
  shape: ([x]) => x.shape,
  dtype: ([x]) => (isFloat(x.dtype) ? x.dtype : "float64"),
  kernel: ([x], p, _s, dtype) => {
    const a = num(x);
    const out = allocate(dtype, a.length);
    for (let i = 0; i < a.length; i++) out[i] = polygammaScalar(p.n, a[i]);
    return out;
  },
});

/** VJP rule of `polygamma` (autodiff attaches it on first use: apps that never differentiate do not bundle it). */
export const polygammaVjpRule: VjpRule<"polygamma"> = (g, [x], _y, p) => [mul(g, polygamma(p.n + 1, x))];

/**
 * Polygamma function ψ⁽ⁿ⁾(x), the n-th derivative of digamma (n ≥ 1 integer; n = 1 is trigamma).
 * Defined for x > 0, and for x < 0 when n = 1 (reflection); NaN elsewhere.
 * @throws ConstraintError when n is not an integer ≥ 1.
 * @example
 * polygamma(1, 1).item(); // → 1.6449340668482264
 */
export function polygamma(n: number, x: TensorLike): Tensor {
  if (!(Number.isInteger(n) && n >= 1))
    throw new ConstraintError(
      "polygamma-order",
      `polygamma: order n must be an integer ≥ 1, got ${n}. Use digamma for n = 0.`,
    );
  return bind(polygammaP, [toTensor(x)], { n });
}
