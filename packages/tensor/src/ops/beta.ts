import type { Tensor, TensorLike } from "../core/tensor.js";
import { promote2, toFloat } from "../internal/elementwise.js";
import { add } from "../primitives/add.js";
import { div } from "../primitives/div.js";
import { ge } from "../primitives/ge.js";
import { lgamma } from "../primitives/lgamma.js";
import { log } from "../primitives/log.js";
import { log1p } from "../primitives/log1p.js";
import { maximum } from "../primitives/maximum.js";
import { minimum } from "../primitives/minimum.js";
import { mul } from "../primitives/mul.js";
import { polygamma } from "../primitives/polygamma.js";
import { sum } from "../primitives/reduce-sum.js";
import { where } from "../primitives/select.js";
import { sub } from "../primitives/sub.js";

/** Stirling correction lgamma(x) − [(x − ½) log x − x + ½ log 2π] as a tensor expression (x ≥ 10). */
function stirlingCorrection(x: Tensor): Tensor {
  const r = div(1, x);
  const r2 = mul(r, r);
  const coef = [-1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156];
  let p: Tensor = mul(r2, coef[coef.length - 1]);
  for (let i = coef.length - 2; i >= 0; i--) p = mul(r2, add(p, coef[i]));
  return mul(r, add(p, 1 / 12));
}

/**
 * log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), broadcasting. When max(a, b) ≥ 10 the difference
 * log Γ(b) − log Γ(a + b) is expanded with Stirling's series to avoid cancellation (relative error ≤ 1e-12 vs
 * scipy.special.betaln, absolute ≤ 1e-13 where |betaln| < 1).
 * @example
 * betaln(1, 1).item(); // → 0
 */
export function betaln(a: TensorLike, b: TensorLike): Tensor {
  const [x, y] = promote2(a, b, "betaln", true);
  const lo = minimum(x, y);
  const hi = maximum(x, y);
  const s = add(lo, hi);
  const small = sub(add(lgamma(lo), lgamma(hi)), lgamma(s));
  const diff = add(
    sub(add(mul(neg1(sub(hi, 0.5)), log1p(div(lo, hi))), lo), mul(lo, log(s))),
    sub(stirlingCorrection(hi), stirlingCorrection(s)),
  );
  return where(ge(hi, 10), add(lgamma(lo), diff), small);
}

const neg1 = (t: Tensor): Tensor => mul(t, -1);

/**
 * Multivariate log beta: Σ log Γ(αᵢ) − log Γ(Σ αᵢ) over `axis` (default the last), the Dirichlet normaliser.
 * @example
 * lbeta([1, 1]).item(); // → 0
 */
export function lbeta(alpha: TensorLike, axis = -1): Tensor {
  const t = toFloat(alpha);
  return sub(sum(lgamma(t), axis), lgamma(sum(t, axis)));
}

/**
 * Trigamma ψ₁(x) = polygamma(1, x).
 * @example
 * trigamma(1).item(); // → 1.6449340668482264
 */
export function trigamma(x: TensorLike): Tensor {
  return polygamma(1, x);
}
