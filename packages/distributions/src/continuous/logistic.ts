import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  add,
  div,
  type Key,
  log,
  log1p,
  mul,
  neg,
  sigmoid,
  softplus,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { promote } from "../internal/util.js";

/**
 * Logistic(loc, scale): log p(x) = −z − 2 softplus(−z) − log σ.
 * @example
 * new Logistic(0, 1).cdf(0).item(); // → 0.5
 */
export class Logistic extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
  };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Logistic", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    return sub(sub(neg(z), mul(2, softplus(neg(z)))), log(this.scale));
  }
  override cdf(value: TensorLike): Tensor {
    return sigmoid(div(sub(value, this.loc), this.scale));
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.loc, mul(this.scale, sub(log(q), log1p(neg(q)))));
  }
  override get mean(): Tensor {
    return this.loc;
  }
  override get variance(): Tensor {
    return mul(square(this.scale), Math.PI ** 2 / 3);
  }
  override entropy(): Tensor {
    return add(log(this.scale), 2);
  }
}
