import { type Constraint, type Interval, interval, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  type Key,
  log,
  maximum,
  minimum,
  mul,
  neg,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Uniform(low, high): log p(x) = −log(high − low) on [low, high].
 * @example
 * new Uniform(0, 4).logProb(1).item(); // → -1.3862943611198906
 */
export class Uniform extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { low: real, high: real };
  static override readonly hasRsample = true;
  readonly low: Tensor;
  readonly high: Tensor;
  constructor(low: TensorLike = 0, high: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Uniform", arguments, ["low", "high"]);
    const { ps, batchShape } = promote("Uniform", low, high);
    super(batchShape, [], options, { low: ps[0], high: ps[1] });
    [this.low, this.high] = ps as [Tensor, Tensor];
  }
  override get support(): Interval {
    return interval(this.low, this.high);
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const lp = neg(log(sub(this.high, this.low)));
    return add(lp, mul(value, 0));
  }
  override cdf(value: TensorLike): Tensor {
    return minimum(maximum(div(sub(value, this.low), sub(this.high, this.low)), 0), 1);
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.low, mul(q, sub(this.high, this.low)));
  }
  override get mean(): Tensor {
    return mul(add(this.low, this.high), 0.5);
  }
  override get variance(): Tensor {
    return div(square(sub(this.high, this.low)), 12);
  }
  override entropy(): Tensor {
    return log(sub(this.high, this.low));
  }
}
