import { type Constraint, positive, real } from "../constraints/constraint.js";
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
import { EULER_GAMMA, promote } from "../internal/util.js";

/**
 * Gumbel(loc, scale): log p(x) = −(z + e⁻ᶻ) − log σ.
 * @example
 * new Gumbel(0, 1).cdf(0).item(); // → 0.36787944117144233
 */
export class Gumbel extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
  };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Gumbel", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    return sub(neg(add(z, exp(neg(z)))), log(this.scale));
  }
  override cdf(value: TensorLike): Tensor {
    return exp(neg(exp(neg(div(sub(value, this.loc), this.scale)))));
  }
  override icdf(q: TensorLike): Tensor {
    return sub(this.loc, mul(this.scale, log(neg(log(q)))));
  }
  override get mean(): Tensor {
    return add(this.loc, mul(this.scale, EULER_GAMMA));
  }
  override get variance(): Tensor {
    return mul(square(this.scale), Math.PI ** 2 / 6);
  }
  override entropy(): Tensor {
    return add(log(this.scale), EULER_GAMMA + 1);
  }
}
