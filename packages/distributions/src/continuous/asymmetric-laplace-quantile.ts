import { type Constraint, openInterval, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { div, type Key, mul, sqrt, sub, type Tensor, type TensorLike } from "../internal/ops.js";
import { promote } from "../internal/util.js";
import { AsymmetricLaplace } from "./asymmetric-laplace.js";

/**
 * AsymmetricLaplaceQuantile(loc, scale, quantile): the quantile-regression parameterisation of
 * {@link AsymmetricLaplace}. `quantile` τ ∈ (0, 1) is the probability mass left of `loc`; it is
 * AsymmetricLaplace(loc, scale·κ/τ, κ) with asymmetry κ = √(τ/(1−τ)), as in NumPyro.
 * `AsymmetricLaplaceQuantile(0, 1, 0.5)` equals `Laplace(0, 2)`.
 * @param loc - location (the τ-quantile), any shape.
 * @param scale - scale (> 0).
 * @param quantile - τ in (0, 1).
 * @example
 * new AsymmetricLaplaceQuantile(0, 1, 0.5).logProb(0).item(); // → -1.3862943611198906
 */
export class AsymmetricLaplaceQuantile extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
    quantile: openInterval(0, 1),
  };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  static readonly reparametrizedParams = ["loc", "scale", "quantile"];
  readonly loc: Tensor;
  readonly scale: Tensor;
  readonly quantile: Tensor;
  readonly #ald: AsymmetricLaplace;
  constructor(
    loc: TensorLike = 0,
    scale: TensorLike = 1,
    quantile: TensorLike = 0.5,
    options?: DistributionOptions,
  ) {
    const { ps, batchShape } = promote("AsymmetricLaplaceQuantile", loc, scale, quantile);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1], quantile: ps[2] });
    [this.loc, this.scale, this.quantile] = ps as [Tensor, Tensor, Tensor];
    const asymmetry = sqrt(div(this.quantile, sub(1, this.quantile)));
    const scaleClassic = div(mul(this.scale, asymmetry), this.quantile);
    this.#ald = new AsymmetricLaplace(this.loc, scaleClassic, asymmetry);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.#ald.rsample(key, sampleShape);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return this.#ald.logProb(value);
  }
  override cdf(value: TensorLike): Tensor {
    return this.#ald.cdf(value);
  }
  override icdf(q: TensorLike): Tensor {
    return this.#ald.icdf(q);
  }
  override get mean(): Tensor {
    return this.#ald.mean;
  }
  override get variance(): Tensor {
    return this.#ald.variance;
  }
}
