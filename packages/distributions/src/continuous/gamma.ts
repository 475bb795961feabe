import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  digamma,
  div,
  expm1,
  gammaSample,
  gt,
  type Key,
  lgamma,
  log,
  log1p,
  mul,
  neg,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
  where,
  xlogy,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Exponential(rate): log p(x) = log λ − λx, x ≥ 0.
 * @example
 * new Exponential(2).mean.item(); // → 0.5
 */
export class Exponential extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { rate: positive };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly rate: Tensor;
  constructor(rate: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Exponential", rate);
    super(batchShape, [], options, { rate: ps[0] });
    this.rate = ps[0]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return sub(log(this.rate), mul(this.rate, value));
  }
  override cdf(value: TensorLike): Tensor {
    return neg(expm1(neg(mul(this.rate, value))));
  }
  override icdf(q: TensorLike): Tensor {
    return div(neg(log1p(neg(q))), this.rate);
  }
  override get mean(): Tensor {
    return div(1, this.rate);
  }
  override get variance(): Tensor {
    return div(1, square(this.rate));
  }
  override entropy(): Tensor {
    return sub(1, log(this.rate));
  }
}

/**
 * Gamma(concentration α, rate β): log p(x) = α log β + (α−1) log x − βx − lgamma(α).
 * @example
 * new Gamma(2, 4).mean.item(); // → 0.5
 */
export class Gamma extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: positive,
    rate: positive,
  };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly concentration: Tensor;
  readonly rate: Tensor;
  constructor(concentration: TensorLike, rate: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Gamma", concentration, rate);
    super(batchShape, [], options, { concentration: ps[0], rate: ps[1] });
    [this.concentration, this.rate] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return div(gammaSample(key, this.concentration, this.shape(sampleShape)), this.rate);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration;
    return sub(
      sub(add(xlogy(a, this.rate), xlogy(sub(a, 1), value)), mul(this.rate, value)),
      lgamma(a),
    );
  }
  override get mean(): Tensor {
    return div(this.concentration, this.rate);
  }
  override get variance(): Tensor {
    return div(this.concentration, square(this.rate));
  }
  override entropy(): Tensor {
    const a = this.concentration;
    return add(sub(a, log(this.rate)), add(lgamma(a), mul(sub(1, a), digamma(a))));
  }
}

/**
 * Chi-squared with `df` degrees of freedom: Gamma(df/2, 1/2).
 */
export class Chi2 extends Gamma {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { df: positive };
  readonly df: Tensor;
  constructor(df: TensorLike, options?: DistributionOptions) {
    const { ps } = promote("Chi2", df);
    super(mul(ps[0]!, 0.5), 0.5, options);
    this.df = ps[0]!;
  }
}

/**
 * InverseGamma(concentration α, rate β): 1/X for X ~ Gamma(α, β);
 * log p(x) = α log β − lgamma(α) − (α+1) log x − β/x.
 */
export class InverseGamma extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    concentration: positive,
    rate: positive,
  };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly concentration: Tensor;
  readonly rate: Tensor;
  constructor(concentration: TensorLike, rate: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("InverseGamma", concentration, rate);
    super(batchShape, [], options, { concentration: ps[0], rate: ps[1] });
    [this.concentration, this.rate] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return div(this.rate, gammaSample(key, this.concentration, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration;
    return sub(sub(sub(xlogy(a, this.rate), lgamma(a)), mul(add(a, 1), log(value))), div(this.rate, value));
  }
  override get mean(): Tensor {
    const a = this.concentration;
    return where(gt(a, 1), div(this.rate, sub(a, 1)), Number.POSITIVE_INFINITY);
  }
  override get variance(): Tensor {
    const a = this.concentration;
    const v = div(square(this.rate), mul(square(sub(a, 1)), sub(a, 2)));
    return where(gt(a, 2), v, Number.POSITIVE_INFINITY);
  }
  override entropy(): Tensor {
    const a = this.concentration;
    return add(add(a, log(this.rate)), sub(lgamma(a), mul(add(1, a), digamma(a))));
  }
}
