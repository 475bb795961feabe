import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  digamma,
  div,
  gammaSample,
  type Key,
  lgamma,
  log,
  mul,
  square,
  stopGradient,
  sub,
  type Tensor,
  type TensorLike,
  xlogy,
} from "../internal/ops.js";
import { gammainc, gammaincinv, gammaRsample } from "../internal/special.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

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
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Gamma", arguments, ["concentration", "rate"]);
    const { ps, batchShape } = promote("Gamma", concentration, rate);
    super(batchShape, [], options, { concentration: ps[0], rate: ps[1] });
    [this.concentration, this.rate] = ps as [Tensor, Tensor];
  }
  /** Draws with gradients to the rate (pathwise) and the concentration (implicit reparameterisation). */
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return div(gammaRsample(key, this.concentration, this.shape(sampleShape)), this.rate);
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return stopGradient(div(gammaSample(key, this.concentration, this.shape(sampleShape)), this.rate));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const a = this.concentration;
    return sub(sub(add(xlogy(a, this.rate), xlogy(sub(a, 1), value)), mul(this.rate, value)), lgamma(a));
  }
  /** P(α, βx), the regularised incomplete gamma function. */
  override cdf(value: TensorLike): Tensor {
    return gammainc(this.concentration, mul(this.rate, value));
  }
  /** P⁻¹(α, q)/β by Newton's method (see `gammaincinv`). */
  override icdf(q: TensorLike): Tensor {
    return div(gammaincinv(this.concentration, q), this.rate);
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
