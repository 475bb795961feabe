import { type Constraint, nonnegativeInteger, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  type Key,
  lgamma,
  poissonSample,
  sub,
  type Tensor,
  type TensorLike,
  xlogy,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Poisson(rate λ): log p(k) = k log λ − λ − log k!.
 * @example
 * new Poisson(2).mean.item(); // → 2
 */
export class Poisson extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { rate: positive };
  static override readonly support: Constraint = nonnegativeInteger;
  readonly rate: Tensor;
  constructor(rate: TensorLike, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Poisson", rate);
    super(batchShape, [], options, { rate: ps[0] });
    this.rate = ps[0]!;
  }
  override sample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return poissonSample(key, this.rate, this.shape(sampleShape));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return sub(sub(xlogy(value, this.rate), this.rate), lgamma(add(value, 1)));
  }
  override get mean(): Tensor {
    return this.rate;
  }
  override get variance(): Tensor {
    return this.rate;
  }
}
