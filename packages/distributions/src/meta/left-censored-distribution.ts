import type { Distribution, DistributionOptions } from "../distribution.js";
import { CDF_MIN } from "../internal/censored-helpers.js";
import { OneSidedCensored } from "../internal/one-sided-censored.js";
import { log, maximum, minimum, type Tensor, type TensorLike } from "../internal/ops.js";

/**
 * Left-censored outcomes of a univariate `base` (NumPyro's LeftCensoredDistribution; R's
 * `Surv(time, event, type = "left")`): where `censored` is 1 the value is an upper bound and contributes
 * log F(value), elsewhere it is exact and contributes log f(value). F is clipped below at 100× the smallest
 * normal float64, as in NumPyro. `sample` draws from `base` (the uncensored values).
 * @param base - univariate distribution with a `cdf`.
 * @param censored - 0/1 indicator, broadcast with `base.batchShape`.
 * @example
 * new LeftCensoredDistribution(new Exponential(1), [0, 1]).logProb([1, Math.log(2)]).toArray(); // → [-1, -0.6931471805599453]
 */
export class LeftCensoredDistribution extends OneSidedCensored {
  constructor(base: Distribution, censored: TensorLike = 0, options?: DistributionOptions) {
    super("LeftCensoredDistribution", base, censored, options);
  }
  protected censoredLogProb(value: TensorLike): Tensor {
    return log(minimum(maximum(this.baseDist.cdf(value), CDF_MIN), 1));
  }
}
