import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  div,
  expm1,
  type Key,
  log,
  log1p,
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
 * Exponential(rate): log p(x) = log λ − λx, x ≥ 0.
 * @example
 * new Exponential(2).mean.item(); // → 0.5
 */
export class Exponential extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { rate: positive };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly rate: Tensor;
  constructor(rate: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("Exponential", arguments, ["rate"]);
    const { ps, batchShape } = promote("Exponential", rate);
    super(batchShape, [], options, { rate: ps[0] });
    this.rate = ps[0]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    return sub(log(this.rate), mul(this.rate, value));
  }
  override cdf(value: TensorLike): Tensor {
    return neg(expm1(neg(mul(this.rate, value))));
  }
  override icdf(q: TensorLike): Tensor {
    return div(neg(log1p(neg(q))), this.rate);
  }
  override get mean(): Tensor {
    return div(1, this.rate);
  }
  override get variance(): Tensor {
    return div(1, square(this.rate));
  }
  override entropy(): Tensor {
    return sub(1, log(this.rate));
  }
}
