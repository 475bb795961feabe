import { type Constraint, positive, real } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import { LOG_PI } from "../internal/heavy-tailed-helpers.js";
import {
  add,
  div,
  type Key,
  log,
  log1p,
  mul,
  square,
  sub,
  type Tensor,
  type TensorLike,
  uniform,
} from "../internal/ops.js";
import { tan } from "../internal/ops-extra.js";
import { atan, promote } from "../internal/util.js";

/**
 * Cauchy(loc, scale): log p(x) = −log π − log σ − log(1 + z²).
 * @example
 * new Cauchy(0, 1).cdf(0).item(); // → 0.5
 */
export class Cauchy extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = {
    loc: real,
    scale: positive,
  };
  static override readonly support: Constraint = real;
  static override readonly hasRsample = true;
  readonly loc: Tensor;
  readonly scale: Tensor;
  constructor(loc: TensorLike = 0, scale: TensorLike = 1, options?: DistributionOptions) {
    const { ps, batchShape } = promote("Cauchy", loc, scale);
    super(batchShape, [], options, { loc: ps[0], scale: ps[1] });
    [this.loc, this.scale] = ps as [Tensor, Tensor];
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return this.icdf(uniform(key, this.shape(sampleShape)));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(sub(value, this.loc), this.scale);
    return sub(sub(mul(-1, log1p(square(z))), log(this.scale)), LOG_PI);
  }
  override cdf(value: TensorLike): Tensor {
    return add(0.5, div(atan(div(sub(value, this.loc), this.scale)), Math.PI));
  }
  override icdf(q: TensorLike): Tensor {
    return add(this.loc, mul(this.scale, tan(mul(Math.PI, sub(q, 0.5)))));
  }
  override get mean(): Tensor {
    return mul(this.loc, Number.NaN);
  }
  override get variance(): Tensor {
    return add(mul(this.loc, 0), Number.POSITIVE_INFINITY);
  }
  override entropy(): Tensor {
    return add(log(this.scale), Math.log(4 * Math.PI));
  }
}
