/** The shell LeftCensoredDistribution and RightCensoredDistribution share: one 0/1 flag over a univariate base. */
import { boolean, type Constraint } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { censoredSetup } from "./censored-helpers.js";
import { type Key, ne, type Tensor, type TensorLike, where } from "./ops.js";

/**
 * A univariate `base` whose values are exact where `censored` is 0 and a bound where it is 1; subclasses say
 * what a censored value contributes ({@link OneSidedCensored.censoredLogProb}). `sample` draws from `base`.
 */
export abstract class OneSidedCensored extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { censored: boolean };
  readonly baseDist: Distribution;
  readonly censored: Tensor;
  constructor(where: string, base: Distribution, censored: TensorLike, options?: DistributionOptions) {
    const { batchShape, flags } = censoredSetup(where, base, [censored]);
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
  /** The log contribution of a censored value (a bound), from the base distribution's cdf. */
  protected abstract censoredLogProb(value: TensorLike): Tensor;
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return where(ne(this.censored, 0), this.censoredLogProb(value), this.baseDist.logProb(value));
  }
}
