import { type Constraint, positive } from "../constraints/constraint.js";
import { Distribution, type DistributionOptions } from "../distribution.js";
import {
  abs,
  add,
  div,
  erf,
  type Key,
  log,
  mul,
  ndtri,
  normal,
  square,
  sub,
  type Tensor,
  type TensorLike,
} from "../internal/ops.js";
import { HALF_LOG_2PI, promote, rejectUndefinedArgs } from "../internal/util.js";

/**
 * Half-normal: |X| for X ~ Normal(0, scale); log p(x) = log 2 + log N(x; 0, σ) for x ≥ 0.
 * @example
 * new HalfNormal(1).mean.item(); // → 0.7978845608028654
 */
export class HalfNormal extends Distribution {
  static override readonly argConstraints: Readonly<Record<string, Constraint>> = { scale: positive };
  static override readonly support: Constraint = positive;
  static override readonly hasRsample = true;
  readonly scale: Tensor;
  constructor(scale: TensorLike = 1, options?: DistributionOptions) {
    // biome-ignore lint/complexity/noArguments: default parameters hide an explicit undefined; only `arguments` shows it.
    rejectUndefinedArgs("HalfNormal", arguments, ["scale"]);
    const { ps, batchShape } = promote("HalfNormal", scale);
    super(batchShape, [], options, { scale: ps[0] });
    this.scale = ps[0]!;
  }
  override rsample(key: Key, sampleShape: readonly number[] = []): Tensor {
    return mul(this.scale, abs(normal(key, this.shape(sampleShape))));
  }
  logProb(value: TensorLike): Tensor {
    this.validateSample(value);
    const z = div(value, this.scale);
    return sub(sub(mul(-0.5, square(z)), log(this.scale)), HALF_LOG_2PI - Math.LN2);
  }
  override get mean(): Tensor {
    return mul(this.scale, Math.sqrt(2 / Math.PI));
  }
  override get variance(): Tensor {
    return mul(square(this.scale), 1 - 2 / Math.PI);
  }
  override cdf(value: TensorLike): Tensor {
    return erf(div(value, mul(this.scale, Math.SQRT2)));
  }
  override icdf(q: TensorLike): Tensor {
    return mul(this.scale, ndtri(mul(add(q, 1), 0.5)));
  }
  override entropy(): Tensor {
    return add(log(this.scale), 0.5 * Math.log(Math.PI / 2) + 0.5);
  }
}
