import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  digamma,
  div,
  gammaSample,
  gt,
  type Key,
  lgamma,
  log,
  mul,
  square,
  stopGradient,
  sub,
  type Tensor,
  type TensorLike,
  where,
  xlogy,
} from "../internal/ops.js";
import { gammainc, gammaincinv, gammaRsample } from "../internal/special.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * InverseGamma(concentration α, rate β): 1/X for X ~ Gamma(α, β);
 * log p(x) = α log β − lgamma(α) − (α+1) log x − β/x.
 * @example
 * new InverseGamma(3, 2).mean.item(); // → 1
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
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("InverseGamma", arguments, ["concentration", "rate"]);
    const { ps, batchShape } = promote("InverseGamma", concentration, rate);
    super(batchShape, [], options, { concentration: ps[0], rate: ps[1] });
    [this.concentration, this.rate] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return div(this.rate, gammaRsample(key, this.concentration, this.shape(sampleShape)));
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return stopGradient(div(this.rate, gammaSample(key, this.concentration, this.shape(sampleShape))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration;
    return sub(sub(sub(xlogy(a, this.rate), lgamma(a)), mul(add(a, 1), log(value))), div(this.rate, value));
  }
  /** Q(α, β/x) = 1 − P(α, β/x). */
  override cdf(value: TensorLike): Tensor {
    return sub(1, gammainc(this.concentration, div(this.rate, value)));
  }
  /** β / P⁻¹(α, 1 − q). */
  override icdf(q: TensorLike): Tensor {
    return div(this.rate, gammaincinv(this.concentration, sub(1, q)));
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
