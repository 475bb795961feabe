import { type Constraint, positiveDefinite } from "../constraints/constraint.js";
import type { DistributionOptions } from "../distribution.js";
import {
  add,
  asTensor,
  cholesky,
  diagonal,
  div,
  gt,
  type Key,
  log,
  matmul,
  matT,
  mul,
  reshape,
  square,
  sub,
  sum,
  type Tensor,
  type TensorLike,
  where,
} from "../internal/ops.js";
import type { WishartScale } from "../internal/wishart-helpers.js";
import { InverseWishartCholesky } from "./inverse-wishart-cholesky.js";

/**
 * InverseWishart(ν, Ψ) over n×n SPD matrices: X⁻¹ ~ Wishart(Ψ⁻¹, ν);
 * log p(X) = (ν/2) log|Ψ| − (νn/2) log 2 − log Γₙ(ν/2) − ((ν+n+1)/2) log|X| − tr(ΨX⁻¹)/2.
 * Draws are LLᵀ for L ~ {@link InverseWishartCholesky}.
 * The variance is scipy's (and the standard) formula
 * Var Xᵢⱼ = ((ν−n+1)Ψᵢⱼ² + (ν−n−1)ΨᵢᵢΨⱼⱼ) / ((ν−n)(ν−n−1)²(ν−n−3)) for ν > n + 3 — NumPyro 0.21's differs.
 * @param concentration - degrees of freedom ν (> n − 1).
 * @param scale - one of `{ scaleMatrix: Ψ }`, `{ rateMatrix: Ψ⁻¹ }` or `{ scaleTril: S }` with Ψ = SSᵀ.
 * @example
 * new InverseWishart(4, { scaleMatrix: [[2, 0], [0, 2]] }).mean.toArray(); // → [[2, 0], [0, 2]]
 */
export class InverseWishart extends InverseWishartCholesky {
  static override readonly support: Constraint = positiveDefinite;
  constructor(concentration: TensorLike, scale: WishartScale, options?: DistributionOptions) {
    super(concentration, scale, options);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const L = super.rsample(key, sampleShape);
    return matmul(L, matT(L));
  }
  override logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const L = cholesky(asTensor(value));
    // minus the log-Jacobian of L ↦ LLᵀ: n log 2 + Σᵢ (n − i) log Lᵢᵢ
    const n = this.n;
    const order = asTensor(Array.from({ length: n }, (_, i) => n - i));
    const jac = add(n * Math.LN2, sum(mul(order, log(diagonal(L))), -1));
    return sub(this.logProbOfFactor(L), jac);
  }
  /** Ψ/(ν − n − 1) for ν > n + 1, else NaN. */
  override get mean(): Tensor {
    const n = this.n;
    const nu = reshape(this.concentration, [...this.batchShape, 1, 1]);
    const ok = gt(nu, n + 1);
    return where(ok, div(this.scaleMatrix, where(ok, sub(nu, n + 1), 1)), Number.NaN);
  }
  /** ((ν−n+1)Ψᵢⱼ² + (ν−n−1)ΨᵢᵢΨⱼⱼ) / ((ν−n)(ν−n−1)²(ν−n−3)) for ν > n + 3, else NaN. */
  override get variance(): Tensor {
    const n = this.n;
    const nu = reshape(this.concentration, [...this.batchShape, 1, 1]);
    const psi = this.scaleMatrix;
    const d = diagonal(psi);
    const outer = mul(reshape(d, [...d.shape, 1]), reshape(d, [...d.shape.slice(0, -1), 1, n]));
    const num = add(mul(sub(nu, n - 1), square(psi)), mul(sub(nu, n + 1), outer));
    const ok = gt(nu, n + 3);
    const den = mul(mul(sub(nu, n), square(sub(nu, n + 1))), sub(nu, n + 3));
    return where(ok, div(num, where(ok, den, 1)), Number.NaN);
  }
}
