import { boolean, type Constraint } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { CDF_MIN, censoredSetup } from "../internal/censored-helpers.js";
import { type Key, log, maximum, minimum, ne, type Tensor, type TensorLike, where } from "../internal/ops.js";

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
export class LeftCensoredDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { censored: boolean };
  readonly baseDist: Distribution;
  readonly censored: Tensor;
  constructor(base: Distribution, censored: TensorLike = 0, options?: DistributionOptions) {
    const { batchShape, flags } = censoredSetup("LeftCensoredDistribution", base, [censored]);
    super(batchShape, [], options, { censored: flags[0] });
    this.baseDist = base;
    this.censored = flags[0]!;
  }
  override get support(): Constraint {
    return this.baseDist.support;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.baseDist.expand(this.batchShape).sample(key, sampleShape);
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const logCdf = log(minimum(maximum(this.baseDist.cdf(value), CDF_MIN), 1));
    return where(ne(this.censored, 0), logCdf, this.baseDist.logProb(value));
  }
}
