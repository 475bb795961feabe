import { type Constraint, nonnegativeInteger, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  betaln,
  div,
  gammaSample,
  gt,
  type Key,
  lgamma,
  mul,
  poissonSample,
  splitKey,
  square,
  sub,
  type Tensor,
  type TensorLike,
  where,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * BetaNegativeBinomial(concentration1 α, concentration0 β, n): a negative binomial count with `n` successes
 * whose probability p is drawn from Beta(α, β) (NumPyro's parameterisation):
 * P(k) = C(n+k−1, k)·B(α+k, β+n)/B(α, β), k = 0, 1, 2, …
 * @param concentration1 - α > 0.
 * @param concentration0 - β > 0.
 * @param n - number of successes (> 0, need not be an integer).
 * @example
 * new BetaNegativeBinomial(1, 2, 1).logProb(0).item(); // → -0.4054651081081644
 */
export class BetaNegativeBinomial extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration1: positive,
    concentration0: positive,
    n: positive,
  };
  static override readonly support: Constraint = nonnegativeInteger;
  readonly concentration1: Tensor;
  readonly concentration0: Tensor;
  readonly n: Tensor;
  constructor(
    concentration1: TensorLike,
    concentration0: TensorLike,
    n: TensorLike,
    options?: DistributionOptions,
  ) {
    const { ps, batchShape } = promote("BetaNegativeBinomial", concentration1, concentration0, n);
    super(batchShape, [], options, { concentration1: ps[0], concentration0: ps[1], n: ps[2] });
    [this.concentration1, this.concentration0, this.n] = ps as [Tensor, Tensor, Tensor];
  }
  /** p ~ Beta(α, β), then k ~ Poisson(λ) with λ ~ Gamma(n, (1−p)/p): λ = Gₙ·G_α/G_β for standard gammas. */
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    const [k1, k0, kn, kp] = splitKey(key, 4) as [Key, Key, Key, Key];
    const shape = this.shape(sampleShape);
    const g1 = gammaSample(k1, this.concentration1, shape);
    const g0 = gammaSample(k0, this.concentration0, shape);
    const gn = gammaSample(kn, this.n, shape);
    return poissonSample(kp, div(mul(gn, g1), g0), shape);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const n = this.n;
    const a = this.concentration1;
    const b = this.concentration0;
    const lc = sub(sub(lgamma(add(n, value)), lgamma(n)), lgamma(add(value, 1)));
    return add(lc, sub(betaln(add(a, value), add(b, n)), betaln(a, b)));
  }
  /** n·α/(β−1) for β > 1, else +∞. */
  override get mean(): Tensor {
    const b = this.concentration0;
    return where(gt(b, 1), div(mul(this.n, this.concentration1), sub(b, 1)), Number.POSITIVE_INFINITY);
  }
  /** n·α·(n+β−1)·(α+β−1) / ((β−1)²(β−2)) for β > 2, else +∞. */
  override get variance(): Tensor {
    const a = this.concentration1;
    const b = this.concentration0;
    const n = this.n;
    const num = mul(mul(mul(n, a), add(n, sub(b, 1))), add(a, sub(b, 1)));
    const v = div(num, mul(square(sub(b, 1)), sub(b, 2)));
    return where(gt(b, 2), v, Number.POSITIVE_INFINITY);
  }
}
