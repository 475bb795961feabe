import { type Constraint, type Interval, interval, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  exp,
  type Key,
  log,
  mul,
  neg,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * LogUniform(low, high): log X uniform on [log low, log high]; log p(x) = −log x − log(log high − log low).
 * @example
 * new LogUniform(1, 100).cdf(10).item(); // → 0.5
 */
export class LogUniform extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    low: positive,
    high: positive,
  };
  static override readonly hasRsample = true;
  readonly low: Tensor;
  readonly high: Tensor;
  constructor(low: TensorLike, high: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("LogUniform", low, high);
    super(batchShape, [], options, { low: ps[0], high: ps[1] });
    [this.low, this.high] = ps as [Tensor, Tensor];
  }
  override get support(): Interval {
    return interval(this.low, this.high);
  }
  private get logRange(): Tensor {
    return sub(log(this.high), log(this.low));
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return sub(neg(log(value)), log(this.logRange));
  }
  override cdf(value: TensorLike): Tensor {
    return div(sub(log(value), log(this.low)), this.logRange);
  }
  override icdf(q: TensorLike): Tensor {
    return exp(add(log(this.low), mul(q, this.logRange)));
  }
  override get mean(): Tensor {
    return div(sub(this.high, this.low), this.logRange);
  }
  override get variance(): Tensor {
    const m2 = div(sub(square(this.high), square(this.low)), mul(2, this.logRange));
    return sub(m2, square(this.mean));
  }
}
