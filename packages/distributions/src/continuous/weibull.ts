import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  exp,
  expm1,
  type Key,
  lgamma,
  log,
  log1p,
  mul,
  neg,
  pow,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { EULER_GAMMA, promote } from "../internal/util.js";

/**
 * Weibull(scale λ, concentration k): log p(x) = log k − log λ + (k−1) log(x/λ) − (x/λ)ᵏ.
 * @example
 * new Weibull(1, 1).mean.item(); // → 1
 */
export class Weibull extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    scale: positive,
    concentration: positive,
  };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  readonly concentration: Tensor;
  constructor(scale: TensorLike, concentration: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Weibull", scale, concentration);
    super(batchShape, [], options, { scale: ps[0], concentration: ps[1] });
    [this.scale, this.concentration] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const k = this.concentration;
    const ly = log(value);
    const ll = log(this.scale);
    // (k − 1)·log x and k·log λ apart (as NumPyro): at λ = ∞ with k = 1, (k − 1)·log(x/λ) would be 0·(−∞) = NaN
    return sub(sub(add(log(k), mul(sub(k, 1), ly)), mul(k, ll)), exp(mul(k, sub(ly, ll))));
  }
  override cdf(value: TensorLike): Tensor {
    return neg(expm1(neg(pow(div(value, this.scale), this.concentration))));
  }
  override icdf(q: TensorLike): Tensor {
    return mul(this.scale, pow(neg(log1p(neg(q))), div(1, this.concentration)));
  }
  override get mean(): Tensor {
    return mul(this.scale, exp(lgamma(add(1, div(1, this.concentration)))));
  }
  override get variance(): Tensor {
    const k = this.concentration;
    const g2 = exp(lgamma(add(1, div(2, k))));
    const g1 = exp(lgamma(add(1, div(1, k))));
    return mul(square(this.scale), sub(g2, square(g1)));
  }
  override entropy(): Tensor {
    const k = this.concentration;
    return add(add(mul(EULER_GAMMA, sub(1, div(1, k))), log(div(this.scale, k))), 1);
  }
}
