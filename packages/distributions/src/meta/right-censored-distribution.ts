import { boolean, type Constraint } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { censoredSetup, EPS } from "../internal/censored-helpers.js";
import {
  type Key,
  log1p,
  maximum,
  minimum,
  ne,
  neg,
  type Tensor,
  type TensorLike,
  where,
} from "../internal/ops.js";

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
export class RightCensoredDistribution extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { censored: boolean };
  readonly baseDist: Distribution;
  readonly censored: Tensor;
  constructor(base: Distribution, censored: TensorLike = 0, options?: DistributionOptions) {
    const { batchShape, flags } = censoredSetup("RightCensoredDistribution", base, [censored]);
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
    const f = minimum(maximum(this.baseDist.cdf(value), 0), 1 - EPS);
    return where(ne(this.censored, 0), log1p(neg(f)), this.baseDist.logProb(value));
  }
}
