import type { Distribution, DistributionOptions } from "../distribution.js";
import { EPS } from "../internal/censored-helpers.js";
import { OneSidedCensored } from "../internal/one-sided-censored.js";
import { log1p, maximum, minimum, neg, type Tensor, type TensorLike } from "../internal/ops.js";

/**
 * Right-censored outcomes of a univariate `base` (NumPyro's RightCensoredDistribution; R's
 * `Surv(time, event)`): where `censored` is 1 the value is a lower bound and contributes log(1 − F(value)),
 * elsewhere it is exact and contributes log f(value). F is clipped to [0, 1 − ε], as in NumPyro.
 * `sample` draws from `base` (the uncensored values).
 * @param base - univariate distribution with a `cdf`.
 * @param censored - 0/1 indicator, broadcast with `base.batchShape`.
 * @example
 * new RightCensoredDistribution(new Exponential(1), [0, 1]).logProb([1, 2]).toArray(); // → [-1, -2]
 */
export class RightCensoredDistribution extends OneSidedCensored {
  constructor(base: Distribution, censored: TensorLike = 0, options?: DistributionOptions) {
    super("RightCensoredDistribution", base, censored, options);
  }
  protected censoredLogProb(value: TensorLike): Tensor {
    return log1p(neg(minimum(maximum(this.baseDist.cdf(value), 0), 1 - EPS)));
  }
}
